import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateProtocol

extension WAMessage {
    /// An image (or sticker-less photo) from an upload of kind ``MediaKind/image``.
    public static func image(_ uploaded: UploadedMedia, mimetype: String, caption: String? = nil) -> WAMessage
    {
        var message = WAMessage()
        uploaded.fill(&message.imageMessage)
        message.imageMessage.mimetype = mimetype
        if let caption { message.imageMessage.caption = caption }
        return message
    }

    /// A video (or a GIF, from an upload of kind ``MediaKind/gif``).
    public static func video(
        _ uploaded: UploadedMedia, mimetype: String, caption: String? = nil, seconds: UInt32? = nil
    ) -> WAMessage {
        var message = WAMessage()
        uploaded.fill(&message.videoMessage)
        message.videoMessage.mimetype = mimetype
        if let caption { message.videoMessage.caption = caption }
        if let seconds { message.videoMessage.seconds = seconds }
        return message
    }

    /// An audio file, or a voice note from an upload of kind ``MediaKind/voiceNote``.
    public static func audio(_ uploaded: UploadedMedia, mimetype: String, seconds: UInt32? = nil) -> WAMessage
    {
        var message = WAMessage()
        uploaded.fill(&message.audioMessage)
        message.audioMessage.mimetype = mimetype
        if let seconds { message.audioMessage.seconds = seconds }
        return message
    }

    /// A document with its file name.
    public static func document(
        _ uploaded: UploadedMedia, mimetype: String, fileName: String, caption: String? = nil
    ) -> WAMessage {
        var message = WAMessage()
        uploaded.fill(&message.documentMessage)
        message.documentMessage.mimetype = mimetype
        message.documentMessage.fileName = fileName
        message.documentMessage.title = fileName
        if let caption { message.documentMessage.caption = caption }
        return message
    }

    /// A sticker (a WebP image uploaded as ``MediaKind/sticker``).
    public static func sticker(_ uploaded: UploadedMedia, mimetype: String = "image/webp") -> WAMessage {
        var message = WAMessage()
        uploaded.fill(&message.stickerMessage)
        message.stickerMessage.mimetype = mimetype
        return message
    }

    /// Where to download this message's media from, for image, video, audio, voice note,
    /// document and sticker messages; nil for other kinds.
    public var mediaReference: MediaReference? {
        let content = unwrapped
        switch content.kind {
        case .image: return MediaReference(content.imageMessage)
        case .video: return MediaReference(content.videoMessage)
        case .audio, .voiceNote: return MediaReference(content.audioMessage)
        case .document: return MediaReference(content.documentMessage)
        case .sticker: return MediaReference(content.stickerMessage)
        default: return nil
        }
    }
}
