import Foundation
import ZapgateProto
import ZapgateWire

/// Names an earlier message: to reply to, react to, edit or delete it.
public struct MessageReference: Sendable, Hashable {
    /// The chat it is in.
    public var chat: JID
    public var id: String
    /// Whether we sent it.
    public var fromMe: Bool
    /// Who sent it, in a group (the person, without device).
    public var sender: JID?

    public init(chat: JID, id: String, fromMe: Bool, sender: JID? = nil) {
        self.chat = chat
        self.id = id
        self.fromMe = fromMe
        self.sender = sender
    }

    /// The protobuf `MessageKey`.
    public var key: WAMessageKey {
        var key = WAMessageKey()
        key.remoteJid = chat.withoutDevice.description
        key.fromMe = fromMe
        key.id = id
        if let sender { key.participant = sender.withoutDevice.description }
        return key
    }
}

extension WAMessage {
    /// Plain text.
    public static func text(_ text: String) -> WAMessage {
        var message = WAMessage()
        message.conversation = text
        return message
    }

    /// Text that quotes an earlier message and/or mentions people (`@number` in the text).
    public static func text(
        _ text: String, replyingTo quoted: MessageReference? = nil, quotedMessage: WAMessage? = nil,
        mentioning mentions: [JID] = []
    ) -> WAMessage {
        guard quoted != nil || !mentions.isEmpty else { return .text(text) }
        var message = WAMessage()
        message.extendedTextMessage.text = text
        if let quoted {
            message.extendedTextMessage.contextInfo.stanzaID = quoted.id
            message.extendedTextMessage.contextInfo.participant =
                (quoted.sender ?? quoted.chat).withoutDevice.description
            if quoted.chat.isGroup {
                message.extendedTextMessage.contextInfo.remoteJid = quoted.chat.description
            }
            if let quotedMessage { message.extendedTextMessage.contextInfo.quotedMessage = quotedMessage }
        }
        if !mentions.isEmpty {
            message.extendedTextMessage.contextInfo.mentionedJid = mentions.map {
                $0.withoutDevice.description
            }
        }
        return message
    }

    /// A pin on the map.
    public static func location(
        latitude: Double, longitude: Double, name: String? = nil, address: String? = nil
    ) -> WAMessage {
        var message = WAMessage()
        message.locationMessage.degreesLatitude = latitude
        message.locationMessage.degreesLongitude = longitude
        if let name { message.locationMessage.name = name }
        if let address { message.locationMessage.address = address }
        return message
    }

    /// A contact card (vCard text).
    public static func contact(displayName: String, vcard: String) -> WAMessage {
        var message = WAMessage()
        message.contactMessage.displayName = displayName
        message.contactMessage.vcard = vcard
        return message
    }

    /// An emoji reaction to a message; an empty emoji takes an earlier reaction back.
    public static func reaction(_ emoji: String, to target: MessageReference, at date: Date = Date())
        -> WAMessage
    {
        var message = WAMessage()
        message.reactionMessage.key = target.key
        message.reactionMessage.text = emoji
        message.reactionMessage.senderTimestampMs = Int64(date.timeIntervalSince1970 * 1000)
        return message
    }

    /// Replaces the text of one of our messages.
    public static func edit(_ target: MessageReference, newText: String, at date: Date = Date()) -> WAMessage
    {
        var message = WAMessage()
        message.protocolMessage.type = .messageEdit
        message.protocolMessage.key = target.key
        message.protocolMessage.editedMessage = .text(newText)
        message.protocolMessage.timestampMs = Int64(date.timeIntervalSince1970 * 1000)
        return message
    }

    /// Deletes a message for everyone.
    public static func revoke(_ target: MessageReference) -> WAMessage {
        var message = WAMessage()
        message.protocolMessage.type = .revoke
        message.protocolMessage.key = target.key
        return message
    }
}
