import Foundation
import ZapgateMessaging
import ZapgateWire

extension DeviceSession {
    /// A `<receipt>` for messages we sent: acknowledged, then reported as a status change, or
    /// answered by sending the message again when it is a retry request.
    func receiveReceipt(_ node: BinaryNode) async {
        guard let receipt = try? Receipt(node: node, addressKey: "from") else {
            try? await send(node.acknowledgement())
            return
        }
        if receipt.kind == .retry {
            // Acknowledged once answered: if the connection drops first, the server sends the
            // request again.
            startJob { [weak self] in
                await self?.answerRetry(receipt)
                try? await self?.send(node.acknowledgement())
            }
            return
        }
        try? await send(node.acknowledgement())
        let status: MessageStatus
        switch receipt.kind {
        case .delivered, .inactive: status = .delivered
        case .read: status = .read
        case .played: status = .played
        default: return
        }
        let device = receipt.chat.isGroup ? receipt.participant : receipt.chat
        eventSink.yield(
            .messageStatus(
                .init(
                    ids: receipt.ids, chat: await preferredJID(for: receipt.chat), device: device,
                    status: status,
                    timestamp: receipt.timestamp ?? Date())))
    }

    /// Tells the sender the messages were read. `chat` is the chat they arrived in; in a group,
    /// `sender` is the member who sent them.
    public func markRead(_ ids: [String], in chat: JID, sender: JID? = nil) async throws(EngineError) {
        try await sendReceipt(ids, kind: .read, chat: chat, sender: sender)
    }

    /// Tells the sender a voice note or video was played.
    public func markPlayed(_ ids: [String], in chat: JID, sender: JID? = nil) async throws(EngineError) {
        try await sendReceipt(ids, kind: .played, chat: chat, sender: sender)
    }

    private func sendReceipt(_ ids: [String], kind: ReceiptKind, chat: JID, sender: JID?)
        async throws(EngineError)
    {
        guard !ids.isEmpty else { return }
        guard link?.loggedIn == true else { throw .notConnected }
        let receipt = Receipt(
            ids: ids, kind: kind, chat: chat.withoutDevice,
            participant: chat.isGroup ? sender?.withoutDevice : nil,
            timestamp: Date())
        try await send(receipt.node(addressKey: "to"))
    }
}
