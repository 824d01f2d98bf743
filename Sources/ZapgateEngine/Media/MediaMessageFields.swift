import Foundation
import ZapgateProto
import ZapgateProtocol

/// The transport fields every media message carries under the same names (image, video,
/// audio, document, sticker), so one piece of code fills and reads them all.
public protocol MediaMessageFields {
    var url: String { get set }
    var directPath: String { get set }
    var mediaKey: Data { get set }
    var fileSha256: Data { get set }
    var fileEncSha256: Data { get set }
    var fileLength: UInt64 { get set }
    var hasFileLength: Bool { get }
    var mediaKeyTimestamp: Int64 { get set }
    /// The media kind this message stands for (a video can be a GIF, audio a voice note).
    var mediaKind: MediaKind { get }
    /// Marks the message as what an upload of `kind` is (GIF playback, push-to-talk).
    mutating func adopt(_ kind: MediaKind)
}

extension MediaMessageFields {
    public mutating func adopt(_ kind: MediaKind) {}
}

extension WAImageMessage: MediaMessageFields {
    public var mediaKind: MediaKind { .image }
}

extension WAStickerMessage: MediaMessageFields {
    public var mediaKind: MediaKind { .sticker }
}

extension WADocumentMessage: MediaMessageFields {
    public var mediaKind: MediaKind { .document }
}

extension WAVideoMessage: MediaMessageFields {
    public var mediaKind: MediaKind { gifPlayback ? .gif : .video }
    public mutating func adopt(_ kind: MediaKind) { if kind == .gif { gifPlayback = true } }
}

extension WAAudioMessage: MediaMessageFields {
    public var mediaKind: MediaKind { ptt ? .voiceNote : .audio }
    public mutating func adopt(_ kind: MediaKind) { if kind == .voiceNote { ptt = true } }
}
