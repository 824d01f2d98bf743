/// What a message is, once wrappers (view once, ephemeral, document with caption) are
/// removed. Anything we do not model is ``unknown``; its protobuf still travels with it.
public enum MessageKind: String, Sendable, Hashable, CaseIterable {
    case text
    case image
    case video
    case audio
    case voiceNote = "voice_note"
    case document
    case sticker
    case location
    case contact
    case reaction
    case edit
    case revoke
    /// Housekeeping between our own devices or from WhatsApp (history sync notices, key
    /// shares …): not shown to people.
    case protocolMessage = "protocol"
    /// Only a group sender key, no content.
    case senderKeyDistribution = "sender_key_distribution"
    case unknown
}
