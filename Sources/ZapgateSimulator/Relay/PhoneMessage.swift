import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateWire

/// A message the scripted phone received, as a test or `zapgate sim` sees it.
public struct PhoneMessage: Sendable, Equatable {
    public var id: String
    /// The chat: the other person (LID JID) or the group.
    public var chat: JID
    /// The sending device.
    public var sender: JID
    /// Whether one of the account's own companions sent it (a device-sent copy).
    public var fromOwnDevice: Bool
    /// The content, with any device-sent wrapper removed.
    public var message: WAMessage
    public var timestamp: Date

    /// The kind of the content.
    public var kind: MessageKind { message.kind }
}

/// A receipt the scripted phone got for a message it sent.
public struct PhoneReceipt: Sendable, Equatable {
    public var ids: [String]
    public var kind: ReceiptKind
    /// The device that sent it.
    public var device: JID
}
