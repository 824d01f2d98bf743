import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

extension DeviceSession {
    /// An incoming `<message>`: decrypt, report once, and answer with a receipt (or a retry
    /// request when it does not decrypt). Runs in the reader, so messages are handled in the
    /// order they arrive.
    func receiveMessage(_ node: BinaryNode) async {
        guard let account = credentials?.account, let id = try? node.string("id"),
            let from = try? node.jid("from")
        else {
            try? await send(nack(node, code: 487))
            return
        }
        let group = from.isGroup ? from : nil
        guard let sender = group == nil ? from : ((try? node.optionalJID("participant")) ?? nil) else {
            try? await send(nack(node, code: 487))
            return
        }
        let recipient = (try? node.optionalJID("recipient")) ?? nil
        let own = ownLID(account)
        let fromMe = sender.user == own.user || sender.user == account.jid.user
        await learnMappings(from: node, sender: sender)
        let receipt = Receipt(
            ids: [id], kind: fromMe && group == nil ? .sender : .delivered, chat: from,
            participant: group == nil ? nil : sender, recipient: fromMe && group == nil ? recipient : nil)
        let seenKey = "\(from)|\(sender)|\(id)"
        if (try? await store.hasReceived(seenKey)) == true {
            try? await send(receipt.node(addressKey: "to"))
            return
        }
        let encs = node.children(tagged: "enc").sorted { first, _ in
            (try? first.optionalString("type")) != "skmsg"
        }
        guard !encs.isEmpty else {
            try? await send(node.acknowledgement())
            return
        }
        var content: (message: WAMessage, plaintext: Data)?
        var failure: MessagingError?
        try? await withCryptoLock { _, decryptor throws(EngineError) in
            for enc in encs {
                do {
                    let decrypted = try await decryptor.decrypt(enc, sender: sender, group: group)
                    if content == nil || decrypted.message.kind != .senderKeyDistribution {
                        content = decrypted
                    }
                } catch {
                    failure = (error as? MessagingError) ?? .unsupported("\(error)")
                }
            }
        }
        if let failure, content == nil || content?.message.kind == .senderKeyDistribution {
            if case .signal(.duplicateMessage) = failure {
                // Decrypted before (the receipt was lost); answering again is enough.
                try? await send(receipt.node(addressKey: "to"))
                return
            }
            await askForRetry(node, id: id, chat: group ?? from, sender: sender, reason: failure)
            return
        }
        guard let content else { return }
        try? await store.markReceived(seenKey)
        if content.message.kind != .senderKeyDistribution || group == nil {
            await report(
                content, node: node, id: id, group: group, sender: sender, fromMe: fromMe,
                recipient: recipient)
        }
        try? await send(receipt.node(addressKey: "to"))
    }

    private func report(
        _ content: (message: WAMessage, plaintext: Data), node: BinaryNode, id: String, group: JID?,
        sender: JID,
        fromMe: Bool, recipient: JID?
    ) async {
        var message = content.message
        var chat = group ?? sender.withoutDevice
        if content.message.hasDeviceSentMessage {
            message = content.message.deviceSentMessage.message
            if let destination = try? JID(parsing: content.message.deviceSentMessage.destinationJid) {
                chat = destination
            }
        } else if fromMe, group == nil, let recipient {
            chat = recipient
        }
        let seconds = (try? node.optionalInteger("t", as: Int64.self)) ?? nil
        let incoming = IncomingMessage(
            id: id, chat: await preferredJID(for: chat), sender: sender,
            senderPhoneNumber: sender.server == .lid
                ? await phoneNumberJID(for: sender) : sender.withoutDevice,
            fromMe: fromMe,
            timestamp: seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date(),
            pushName: (try? node.optionalString("notify")) ?? nil,
            wasOffline: node.attributes["offline"] != nil,
            message: message, raw: content.plaintext)
        eventSink.yield(.message(incoming))
    }

    private func phoneNumberJID(for lid: JID) async -> JID? {
        guard let phone = try? await store.phoneNumber(forLID: lid.user) else { return nil }
        return JID(user: phone, server: .phoneNumber)
    }

    /// Stores the PN↔LID pairs a stanza reveals (`sender_pn`, `participant_pn`).
    private func learnMappings(from node: BinaryNode, sender: JID) async {
        for key in ["sender_pn", "participant_pn"] {
            guard sender.server == .lid, let phone = (try? node.optionalJID(key)) ?? nil else { continue }
            try? await store.storeLIDMapping(lid: sender.user, phoneNumber: phone.user)
        }
    }

    /// An `<ack>` refusing a stanza with a nack code (487 parse error, 491 bad protobuf …).
    func nack(_ node: BinaryNode, code: Int) -> BinaryNode {
        var ack = node.acknowledgement()
        ack.attributes["error"] = .string(String(code))
        return ack
    }
}
