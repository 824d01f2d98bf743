import Foundation
import ZapgateWire

/// What a receipt says about the messages it names. No `type` attribute means delivered.
public enum ReceiptKind: Sendable, Hashable, CustomStringConvertible {
    /// Arrived on the device (no `type`).
    case delivered
    /// Arrived while the device was not "available"; still a delivery.
    case inactive
    /// Opened by the person.
    case read
    /// Read on another of our own devices.
    case readSelf
    /// A voice note or video played.
    case played
    /// Our own other device got the copy we sent.
    case sender
    /// The device could not decrypt and asks for the message again.
    case retry
    /// A peer (own-device protocol) message arrived.
    case peerMessage
    /// Any other type, kept as sent.
    case other(String)

    /// Reads the `type` attribute (nil when absent).
    public init(attribute: String?) {
        switch attribute {
        case nil, "": self = .delivered
        case "inactive": self = .inactive
        case "read": self = .read
        case "read-self": self = .readSelf
        case "played": self = .played
        case "sender": self = .sender
        case "retry": self = .retry
        case "peer_msg": self = .peerMessage
        case let other?: self = .other(other)
        }
    }

    /// The `type` attribute, nil for a plain delivery.
    public var attribute: String? {
        switch self {
        case .delivered: nil
        case .inactive: "inactive"
        case .read: "read"
        case .readSelf: "read-self"
        case .played: "played"
        case .sender: "sender"
        case .retry: "retry"
        case .peerMessage: "peer_msg"
        case .other(let value): value
        }
    }

    public var description: String { attribute ?? "delivered" }
}

/// A `<receipt>` stanza: one or more message ids, what happened to them, and who says so.
public struct Receipt: Sendable, Equatable {
    /// The messages, first one in the `id` attribute, the rest in `<list><item id/>`.
    public var ids: [String]
    public var kind: ReceiptKind
    /// The chat (a user or group); `to` when sent, `from` when received.
    public var chat: JID
    /// In groups: the device the receipt is about (from the server) or the sender of the
    /// messages (to the server).
    public var participant: JID?
    /// For receipts about our own devices' messages: the chat they were sent to.
    public var recipient: JID?
    public var timestamp: Date?
    /// Children beyond the id list (a retry request's `<retry>`, `<registration>`, `<keys>`).
    public var extra: [BinaryNode]

    public init(
        ids: [String], kind: ReceiptKind, chat: JID, participant: JID? = nil, recipient: JID? = nil,
        timestamp: Date? = nil, extra: [BinaryNode] = []
    ) {
        self.ids = ids
        self.kind = kind
        self.chat = chat
        self.participant = participant
        self.recipient = recipient
        self.timestamp = timestamp
        self.extra = extra
    }

    /// The stanza, addressed with `to` (client) or `from` (server).
    public func node(addressKey: String) -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["id": .string(ids.first ?? "")]
        attributes[addressKey] = .jid(chat)
        if let type = kind.attribute { attributes["type"] = .string(type) }
        if let participant { attributes["participant"] = .jid(participant) }
        if let recipient { attributes["recipient"] = .jid(recipient) }
        if let timestamp { attributes["t"] = .string(String(Int64(timestamp.timeIntervalSince1970))) }
        var children = extra
        if ids.count > 1 {
            children.append(
                BinaryNode(
                    tag: "list",
                    children: ids.dropFirst().map { BinaryNode(tag: "item", attributes: ["id": .string($0)]) }
                ))
        }
        return children.isEmpty
            ? BinaryNode(tag: "receipt", attributes: attributes)
            : BinaryNode(tag: "receipt", attributes: attributes, children: children)
    }

    /// Reads a receipt; `addressKey` is `from` on a client and `to` on the server.
    public init(node: BinaryNode, addressKey: String) throws(MessagingError) {
        guard node.tag == "receipt", let id = try? node.string("id"), let chat = try? node.jid(addressKey)
        else { throw .malformed("receipt without id or \(addressKey)") }
        var ids = [id]
        for item in node.child("list")?.children(tagged: "item") ?? [] {
            if let other = try? item.string("id"), !ids.contains(other) { ids.append(other) }
        }
        let seconds = (try? node.optionalInteger("t", as: Int64.self)) ?? nil
        self.init(
            ids: ids, kind: ReceiptKind(attribute: (try? node.optionalString("type")) ?? nil), chat: chat,
            participant: (try? node.optionalJID("participant")) ?? nil,
            recipient: (try? node.optionalJID("recipient")) ?? nil,
            timestamp: seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            extra: node.children.filter { $0.tag != "list" })
    }
}
