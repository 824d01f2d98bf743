import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateWire

/// A message that arrived and decrypted: from someone else, or a copy of one our own other
/// device sent (``fromMe``).
public struct IncomingMessage: Sendable, Equatable {
    public var id: String
    /// The chat: the other person (by phone number when known, else by LID) or the group.
    public var chat: JID
    /// The device that sent it, as addressed on the wire.
    public var sender: JID
    /// The sender's phone-number JID (no device), when known.
    public var senderPhoneNumber: JID?
    /// Sent by one of our own devices.
    public var fromMe: Bool
    public var timestamp: Date
    /// The sender's display name, when the server passed it on.
    public var pushName: String?
    /// Queued by the server while we were offline.
    public var wasOffline: Bool
    /// The content, with a device-sent wrapper removed; unknown kinds keep every field.
    public var message: WAMessage
    /// The decrypted protobuf bytes as they arrived.
    public var raw: Data

    /// What kind of message it is.
    public var kind: MessageKind { message.kind }

    /// A reference to this message, to reply, react, edit or delete.
    public var reference: MessageReference {
        MessageReference(
            chat: chat, id: id, fromMe: fromMe, sender: chat.isGroup ? senderPhoneNumber ?? sender : nil)
    }
}

/// Where one of our sent messages got to on one recipient device.
public enum MessageStatus: String, Sendable, Equatable, Comparable {
    /// The server accepted it.
    case sent
    /// It reached the device.
    case delivered
    /// The person read it.
    case read
    /// The voice note or video was played.
    case played

    private var rank: Int {
        switch self {
        case .sent: 0
        case .delivered: 1
        case .read: 2
        case .played: 3
        }
    }

    public static func < (lhs: MessageStatus, rhs: MessageStatus) -> Bool { lhs.rank < rhs.rank }
}

/// A status change of messages we sent.
public struct MessageStatusUpdate: Sendable, Equatable {
    public var ids: [String]
    /// The chat the messages went to.
    public var chat: JID
    /// The recipient device the status is about; nil for ``MessageStatus/sent``.
    public var device: JID?
    public var status: MessageStatus
    public var timestamp: Date
}

/// A message that could not be decrypted; the sender has been asked to send it again.
public struct UndecryptableMessage: Sendable, Equatable {
    public var id: String
    public var chat: JID
    public var sender: JID
    /// Why it failed.
    public var reason: String
    /// How many times we have asked for it.
    public var retryCount: Int
}
