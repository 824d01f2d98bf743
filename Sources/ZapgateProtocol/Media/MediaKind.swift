/// What a media blob is. The kind picks the HKDF info string its keys are derived with and the
/// `mms` type it is uploaded under; several kinds share both (a sticker is keyed and uploaded
/// as an image, a voice note as audio), so a downloader only needs the message type it came in.
public enum MediaKind: String, Sendable, Hashable, CaseIterable, Codable {
    case image
    /// Keyed and uploaded as an image.
    case sticker
    case video
    /// A video played as a GIF (`gifPlayback`); keyed and uploaded as a video.
    case gif
    /// A round video note (`ptv`); keyed and uploaded as a video.
    case videoNote
    case audio
    /// A push-to-talk voice note (`ptt`); keyed and uploaded as audio.
    case voiceNote
    case document
    /// A history-sync blob the phone uploads for its companions.
    case history
    /// An app-state snapshot or patch blob.
    case appState
    /// The thumbnail of a link preview.
    case linkThumbnail
    /// A whole sticker pack.
    case stickerPack

    /// The HKDF info the 32-byte media key is expanded with.
    public var hkdfInfo: String {
        switch self {
        case .image, .sticker: "WhatsApp Image Keys"
        case .video, .gif, .videoNote: "WhatsApp Video Keys"
        case .audio, .voiceNote: "WhatsApp Audio Keys"
        case .document: "WhatsApp Document Keys"
        case .history: "WhatsApp History Keys"
        case .appState: "WhatsApp App State Keys"
        case .linkThumbnail: "WhatsApp Link Thumbnail Keys"
        case .stickerPack: "WhatsApp Sticker Pack Keys"
        }
    }

    /// The type segment of the upload path (`/mms/<type>/<token>`), also sent as `mms-type`
    /// when downloading. These are whatsmeow's; Baileys uploads link thumbnails as `image`.
    public var mmsType: String {
        switch self {
        case .image, .sticker: "image"
        case .video, .gif, .videoNote: "video"
        case .audio, .voiceNote: "audio"
        case .document: "document"
        case .history: "md-msg-hist"
        case .appState: "md-app-state"
        case .linkThumbnail: "thumbnail-link"
        case .stickerPack: "sticker-pack"
        }
    }

    /// Every `mms` type some kind uploads under, for a server deciding which paths exist.
    public static let mmsTypes: Set<String> = Set(allCases.map(\.mmsType))
}
