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
        guard let addressed = group == nil ? from : ((try? node.optionalJID("participant")) ?? nil) else {
            try? await send(nack(node, code: 487))
            return
        }
        let recipient = (try? node.optionalJID("recipient")) ?? nil
        let own = ownLID(account)
        let fromMe = addressed.user == own.user || addressed.user == account.jid.user
        await learnMappings(from: node, sender: addressed)
        // Sessions are keyed by LID: a sender addressed by phone number is looked up by its LID.
        let sender = await lidAddressed(addressed)
        let receipt = Receipt(
            ids: [id], kind: fromMe ? .sender : .delivered, chat: from,
            participant: group == nil ? nil : addressed, recipient: fromMe && group == nil ? recipient : nil)
        let seenKey = "\(from)|\(sender)|\(id)"
        if (try? await store.hasReceived(seenKey)) == true {
            try? await send(receipt.node(addressKey: "to"))
            return
        }
        // Pairwise first: it may carry the sender key the group part needs.
        let all = node.children(tagged: "enc")
        let isGroupPart: (BinaryNode) -> Bool = { (try? $0.optionalString("type")) == "skmsg" }
        let encs = all.filter { !isGroupPart($0) } + all.filter(isGroupPart)
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
            if case .invalidContent = failure {
                // It decrypted, so asking again would bring the same bytes.
                try? await send(nack(node, code: 491))
                return
            }
            // A counter already used for a message we never reported (its key was spent by a
            // later copy, or we stopped between decrypting and recording it): only a fresh
            // encryption can bring it now.
            await askForRetry(node, id: id, chat: group ?? from, sender: addressed, reason: failure)
            return
        }
        guard let content else { return }
        var incoming: IncomingMessage?
        if content.message.kind != .senderKeyDistribution || group == nil {
            incoming = await reported(
                content, node: node, id: id, group: group, sender: sender, fromMe: fromMe,
                recipient: recipient)
        }
        do {
            try await store.markReceived(seenKey, reporting: incoming)
        } catch {
            // Unacknowledged, the server delivers it again; its counter is spent, so that copy
            // fails to decrypt and a retry receipt brings a fresh encryption.
            logger.error(
                "could not record a received message", metadata: ["id": "\(id)", "error": "\(error)"])
            return
        }
        if let incoming { eventSink.yield(.message(incoming)) }
        try? await send(receipt.node(addressKey: "to"))
    }

    private func reported(
        _ content: (message: WAMessage, plaintext: Data), node: BinaryNode, id: String, group: JID?,
        sender: JID,
        fromMe: Bool, recipient: JID?
    ) async -> IncomingMessage {
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
        return incoming
    }

    private func phoneNumberJID(for lid: JID) async -> JID? {
        guard let phone = try? await store.phoneNumber(forLID: lid.user) else { return nil }
        return JID(user: phone, server: .phoneNumber)
    }

    /// Stores the PN↔LID pairs a stanza reveals (`sender_pn`, `participant_pn` for a LID
    /// sender; `sender_lid`, `participant_lid` for a phone-number one).
    private func learnMappings(from node: BinaryNode, sender: JID) async {
        for key in ["sender_pn", "participant_pn"] {
            guard sender.server == .lid, let phone = (try? node.optionalJID(key)) ?? nil else { continue }
            try? await store.storeLIDMapping(lid: sender.user, phoneNumber: phone.user)
        }
        for key in ["sender_lid", "participant_lid"] {
            guard sender.server == .phoneNumber, let lid = (try? node.optionalJID(key)) ?? nil else {
                continue
            }
            try? await store.storeLIDMapping(lid: lid.user, phoneNumber: sender.user)
        }
    }

    /// The same device on the LID server when the mapping is known.
    func lidAddressed(_ device: JID) async -> JID {
        guard device.server == .phoneNumber, let lid = try? await store.lid(forPhoneNumber: device.user)
        else {
            return device
        }
        return JID(user: lid, server: .lid, device: device.device)
    }

    /// An `<ack>` refusing a stanza with a nack code (487 parse error, 491 bad protobuf …).
    func nack(_ node: BinaryNode, code: Int) -> BinaryNode {
        var ack = node.acknowledgement()
        ack.attributes["error"] = .string(String(code))
        return ack
    }
}
