import Foundation
import ZapgateEngine
import ZapgateMessaging
import ZapgateProto
import ZapgateStore

extension IncomingMessage {
    /// The row a received message is stored as.
    func record(instanceID: UUID, now: Date = Date()) -> MessageRecord {
        let content = message.unwrapped
        var fields = MessageContent()
        var quoted: String?
        switch kind {
        case .text:
            let context = content.extendedTextMessage.contextInfo
            if context.hasStanzaID { quoted = context.stanzaID }
            if !context.mentionedJid.isEmpty { fields.mentions = context.mentionedJid }
        case .image:
            fields.mimetype = content.imageMessage.mimetype
            fields.size = content.imageMessage.hasFileLength ? Int(content.imageMessage.fileLength) : nil
        case .video:
            fields.mimetype = content.videoMessage.mimetype
            fields.seconds = Int(content.videoMessage.seconds)
            fields.size = content.videoMessage.hasFileLength ? Int(content.videoMessage.fileLength) : nil
        case .audio, .voiceNote:
            fields.mimetype = content.audioMessage.mimetype
            fields.seconds = Int(content.audioMessage.seconds)
            fields.size = content.audioMessage.hasFileLength ? Int(content.audioMessage.fileLength) : nil
        case .document:
            fields.mimetype = content.documentMessage.mimetype
            fields.fileName = content.documentMessage.fileName
            fields.size =
                content.documentMessage.hasFileLength ? Int(content.documentMessage.fileLength) : nil
        case .sticker:
            fields.mimetype = content.stickerMessage.mimetype
            fields.size = content.stickerMessage.hasFileLength ? Int(content.stickerMessage.fileLength) : nil
        case .location:
            fields.latitude = content.locationMessage.degreesLatitude
            fields.longitude = content.locationMessage.degreesLongitude
            if content.locationMessage.hasName { fields.name = content.locationMessage.name }
            if content.locationMessage.hasAddress { fields.address = content.locationMessage.address }
        case .contact:
            fields.displayName = content.contactMessage.displayName
            fields.vcard = content.contactMessage.vcard
        case .reaction:
            fields.targetMessageId = content.reactionMessage.key.id
            fields.emoji = content.reactionMessage.text
        case .edit:
            fields.targetMessageId = content.protocolMessage.key.id
        case .revoke:
            fields.targetMessageId = content.protocolMessage.key.id
        case .protocolMessage, .senderKeyDistribution, .unknown:
            break
        }
        let text = kind == .edit ? content.protocolMessage.editedMessage.text : message.text
        if [.image, .video, .document].contains(kind) { fields.caption = text }
        let media = message.mediaReference.flatMap { StoredMedia($0, mimetype: fields.mimetype).json() }
        return MessageRecord(
            instanceID: instanceID, id: id, direction: .inbound, chat: chat.description,
            sender: (senderPhoneNumber ?? sender).withoutDevice.description, type: kind.apiName, text: text,
            content: fields.json(), quotedID: quoted, media: media, status: .received, messageTime: timestamp,
            createdAt: now, updatedAt: now)
    }
}

extension MessageKind {
    /// The type name the API uses; kinds it does not model are `unknown`.
    var apiName: String {
        switch self {
        case .protocolMessage, .senderKeyDistribution: "unknown"
        default: rawValue
        }
    }
}
