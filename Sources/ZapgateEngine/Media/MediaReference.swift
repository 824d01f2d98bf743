import Foundation
import ZapgateProto
import ZapgateProtocol

/// What a received message says about its media: where to fetch it and how to check and
/// decrypt it. Built from the message protos; nothing is checked until
/// ``DeviceSession/download(_:)``, which refuses anything incomplete with a typed error.
public struct MediaReference: Sendable, Equatable {
    /// Decides the keys' HKDF info and the `mms-type` sent along.
    public var kind: MediaKind
    /// The path (with its query) on a media host, starting with `/`.
    public var directPath: String
    public var mediaKey: Data
    /// SHA-256 of the plaintext.
    public var fileSHA256: Data
    /// SHA-256 of the encrypted body.
    public var fileEncSHA256: Data
    /// The plaintext's length as the sender stated it; informative only.
    public var fileLength: UInt64?

    public init(
        kind: MediaKind, directPath: String, mediaKey: Data, fileSHA256: Data, fileEncSHA256: Data,
        fileLength: UInt64? = nil
    ) {
        self.kind = kind
        self.directPath = directPath
        self.mediaKey = mediaKey
        self.fileSHA256 = fileSHA256
        self.fileEncSHA256 = fileEncSHA256
        self.fileLength = fileLength
    }

    /// The media of an image, video (a GIF when `gifPlayback` is set), audio (a voice note when
    /// `ptt` is set), document or sticker message.
    public init(_ message: some MediaMessageFields) {
        self.init(
            kind: message.mediaKind, directPath: Self.path(message.directPath, url: message.url),
            mediaKey: message.mediaKey, fileSHA256: message.fileSha256, fileEncSHA256: message.fileEncSha256,
            fileLength: message.hasFileLength ? message.fileLength : nil)
    }

    /// What was just uploaded, as a recipient would reference it.
    public init(_ uploaded: UploadedMedia) {
        self.init(
            kind: uploaded.kind, directPath: uploaded.directPath, mediaKey: uploaded.mediaKey,
            fileSHA256: uploaded.fileSHA256, fileEncSHA256: uploaded.fileEncSHA256,
            fileLength: uploaded.fileLength)
    }

    /// The direct path, or failing that the path and query of the URL (Baileys falls back to
    /// the URL too; whatsmeow needs the direct path).
    static func path(_ directPath: String, url: String) -> String {
        guard directPath.isEmpty, let scheme = url.range(of: "://") else { return directPath }
        let afterHost = url[scheme.upperBound...].drop { $0 != "/" }
        return String(afterHost)
    }
}
