import Foundation
import ZapgateMessaging
import ZapgateWire

extension PhoneDevice {
    /// Reads messages in the inbox: one read receipt per chat and sender, as the phone's app
    /// sends when a chat is opened. Returns the ids it knew.
    func markRead(_ ids: [String]) async -> [String] {
        let wanted = Set(ids)
        let messages = inbox.filter { wanted.contains($0.id) && !$0.fromOwnDevice }
        let groups = Dictionary(grouping: messages) { "\($0.chat)|\($0.sender)" }
        for group in groups.values {
            guard let first = group.first else { continue }
            let receipt = Receipt(
                ids: group.map(\.id), kind: .read, chat: first.chat,
                participant: first.chat.isGroup ? first.sender : nil, recipient: nil)
            await relay.receipt(receipt.node(addressKey: "to"), from: key)
        }
        return messages.map(\.id)
    }
}
