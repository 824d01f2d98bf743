import ZapgateProto

extension WAMessage {
    /// The content inside the wrappers senders put around it (view once, ephemeral, document
    /// with caption, device-sent copy).
    public var unwrapped: WAMessage {
        if hasDeviceSentMessage { return deviceSentMessage.message.unwrapped }
        for wrapper in [
            viewOnceMessage, ephemeralMessage, documentWithCaptionMessage, viewOnceMessageV2,
            viewOnceMessageV2Extension,
        ] where wrapper.hasMessage {
            return wrapper.message.unwrapped
        }
        return self
    }

    /// The kind of the unwrapped content.
    public var kind: MessageKind {
        let content = unwrapped
        if content.hasConversation || content.hasExtendedTextMessage { return .text }
        if content.hasImageMessage { return .image }
        if content.hasVideoMessage { return .video }
        if content.hasAudioMessage { return content.audioMessage.ptt ? .voiceNote : .audio }
        if content.hasDocumentMessage { return .document }
        if content.hasStickerMessage { return .sticker }
        if content.hasLocationMessage { return .location }
        if content.hasContactMessage { return .contact }
        if content.hasReactionMessage { return .reaction }
        if content.hasEditedMessage { return .edit }
        if content.hasProtocolMessage {
            switch content.protocolMessage.type {
            case .revoke: return .revoke
            case .messageEdit: return .edit
            default: return .protocolMessage
            }
        }
        if content.hasSenderKeyDistributionMessage { return .senderKeyDistribution }
        return .unknown
    }

    /// The text of a text message, or the caption of media.
    public var text: String? {
        let content = unwrapped
        if content.hasConversation { return content.conversation }
        if content.hasExtendedTextMessage { return content.extendedTextMessage.text }
        if content.hasImageMessage, content.imageMessage.hasCaption { return content.imageMessage.caption }
        if content.hasVideoMessage, content.videoMessage.hasCaption { return content.videoMessage.caption }
        if content.hasDocumentMessage, content.documentMessage.hasCaption {
            return content.documentMessage.caption
        }
        return nil
    }

    /// The `type` attribute of the `<message>` stanza that carries this content.
    public var stanzaType: String {
        switch kind {
        case .reaction: "reaction"
        case .image, .video, .audio, .voiceNote, .document, .sticker, .contact, .location: "media"
        default: "text"
        }
    }

    /// The `mediatype` attribute of a direct message's `<enc>`, nil when none applies.
    public var mediaTypeAttribute: String? {
        let content = unwrapped
        switch kind {
        case .image: return "image"
        case .video: return content.videoMessage.gifPlayback ? "gif" : "video"
        case .audio: return "audio"
        case .voiceNote: return "ptt"
        case .document: return "document"
        case .sticker: return "sticker"
        case .contact: return "vcard"
        case .location: return content.locationMessage.isLive ? "livelocation" : "location"
        default: return nil
        }
    }

    /// The `edit` attribute: 1 for an edit, 7 for a sender's revoke, nil otherwise.
    public var editAttribute: String? {
        switch kind {
        case .edit: "1"
        case .revoke: "7"
        default: nil
        }
    }

    /// Whether a recipient that cannot decrypt should say nothing to the person (reactions and
    /// edits, whose absence is harmless).
    public var hidesDecryptFailure: Bool { kind == .reaction || kind == .edit }
}
