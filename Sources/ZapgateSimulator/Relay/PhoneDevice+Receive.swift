import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateWire

extension PhoneDevice {
    /// A message delivered to the phone: decrypt, record, receipt (or ask for it again).
    func receive(_ node: BinaryNode) async {
        guard let id = try? node.string("id"), let from = try? node.jid("from") else { return }
        let group = from.isGroup ? from : nil
        guard let sender = group == nil ? from : ((try? node.optionalJID("participant")) ?? nil) else {
            return
        }
        let recipient = (try? node.optionalJID("recipient")) ?? nil
        let fromOwnDevice = group == nil && recipient != nil
        let decryptor = MessageDecryptor(store: store)
        var content: WAMessage?
        var failed = false
        // Pairwise first: it may carry the sender key the group part needs.
        let encs = node.children(tagged: "enc").sorted { first, _ in
            (try? first.optionalString("type")) != "skmsg"
        }
        for enc in encs {
            do {
                let (message, _) = try await decryptor.decrypt(enc, sender: sender, group: group)
                if content == nil || message.kind != .senderKeyDistribution { content = message }
            } catch {
                logger.debug("the phone could not decrypt", metadata: ["id": "\(id)", "error": "\(error)"])
                failed = true
            }
        }
        guard let content, !failed || content.kind != .senderKeyDistribution else {
            await askAgain(id: id, from: from, participant: group == nil ? nil : sender, node: node)
            return
        }
        if !seen.contains(id) {
            seen.insert(id)
            if content.kind != .senderKeyDistribution {
                let chat = group ?? (fromOwnDevice ? (recipient ?? from) : from.withoutDevice)
                let unwrapped = content.hasDeviceSentMessage ? content.deviceSentMessage.message : content
                inbox.append(
                    PhoneMessage(
                        id: id, chat: chat, sender: sender, fromOwnDevice: fromOwnDevice, message: unwrapped,
                        timestamp: Date()))
            }
        }
        let receipt = Receipt(
            ids: [id], kind: fromOwnDevice ? .sender : .delivered, chat: from,
            participant: group == nil ? nil : sender, recipient: fromOwnDevice ? recipient : nil)
        await relay.receipt(receipt.node(addressKey: "to"), from: key)
    }

    /// A retry receipt with a fresh prekey bundle, so the sender can start a new session.
    private func askAgain(id: String, from: JID, participant: JID?, node: BinaryNode) async {
        let count = (retriesAsked[id] ?? 0) + 1
        retriesAsked[id] = count
        let seconds = (try? node.optionalInteger("t", as: Int64.self)) ?? nil
        let request = RetryRequest(
            count: count, messageID: id,
            originalTimestamp: seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            registrationID: registrationID, bundle: await takeBundle())
        let receipt = Receipt(
            ids: [id], kind: .retry, chat: from, participant: participant, extra: request.nodes)
        await relay.receipt(receipt.node(addressKey: "to"), from: key)
    }
}
