import Foundation
import ZapgateProto
import ZapgateProtocol

/// An upload's outcome: everything a media message must carry for its recipients to fetch,
/// check and decrypt the blob. The `fill` methods copy it into the message protos.
public struct UploadedMedia: Sendable, Equatable {
    public let kind: MediaKind
    /// The full URL the server answered with (messages carry it as `URL`).
    public let url: String
    /// The path on any media host (messages carry it as `directPath`).
    public let directPath: String
    /// The random 32-byte key; it travels only inside the end-to-end encrypted message.
    public let mediaKey: Data
    public let fileSHA256: Data
    public let fileEncSHA256: Data
    public let fileLength: UInt64
    /// When the key was made, in seconds since 1970.
    public let mediaKeyTimestamp: Int64
    /// The server's handle for the blob, when it gave one.
    public let handle: String?

    public init(
        kind: MediaKind, url: String, directPath: String, mediaKey: Data, fileSHA256: Data,
        fileEncSHA256: Data, fileLength: UInt64, mediaKeyTimestamp: Int64, handle: String? = nil
    ) {
        self.kind = kind
        self.url = url
        self.directPath = directPath
        self.mediaKey = mediaKey
        self.fileSHA256 = fileSHA256
        self.fileEncSHA256 = fileEncSHA256
        self.fileLength = fileLength
        self.mediaKeyTimestamp = mediaKeyTimestamp
        self.handle = handle
    }

    /// Sets the transport fields of a media message (not its mimetype, caption, size or file
    /// name), and `gifPlayback` or `ptt` for a ``MediaKind/gif`` or ``MediaKind/voiceNote``.
    public func fill(_ message: inout some MediaMessageFields) {
        message.url = url
        message.directPath = directPath
        message.mediaKey = mediaKey
        message.fileSha256 = fileSHA256
        message.fileEncSha256 = fileEncSHA256
        message.fileLength = fileLength
        message.mediaKeyTimestamp = mediaKeyTimestamp
        message.adopt(kind)
    }
}
