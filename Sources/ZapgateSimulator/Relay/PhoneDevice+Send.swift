import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

extension PhoneDevice {
    /// Sends `message` to a person (phone-number or LID JID) or a group, as the primary device:
    /// to every device of the recipient(s) and a device-sent copy to the account's companions.
    /// Returns the message id once the relay accepted it.
    func send(_ message: WAMessage, to chat: JID) async throws(SimulatorError) -> String {
        let id = MessageID.generate(ownUser: phoneNumber)
        let encryptor = MessageEncryptor(store: store)
        var stanza = BinaryNode(
            tag: "message", attributes: ["id": .string(id), "type": .string(message.stanzaType)])
        if let edit = message.editAttribute { stanza.attributes["edit"] = .string(edit) }
        do {
            if chat.isGroup {
                guard let group = await relay.groups[chat.user] else {
                    throw SimulatorError.unknown("group \(chat)")
                }
                let members = group.participants.map { JID(user: $0, server: .phoneNumber) }
                let devices = try await deviceJIDs(of: members).filter { $0 != ownDevice }
                try await ensureSessions(with: devices, encryptor: encryptor)
                let distribution = try await encryptor.senderKeyDistribution(
                    group: chat, ownDevice: ownDevice)
                let pairwise = try await encryptor.fanOut(distribution, to: devices)
                let content = try await encryptor.groupEnc(message, group: chat, ownDevice: ownDevice)
                stanza.attributes["to"] = .jid(chat)
                stanza.content = .children([
                    BinaryNode(tag: "participants", children: pairwise.nodes), content,
                ])
            } else {
                guard let account = await relay.registry.account(named: chat) else {
                    throw SimulatorError.unknown("user \(chat)")
                }
                let peer = JID(user: account.lid, server: .lid)
                let theirs = try await deviceJIDs(of: [peer])
                let ours = try await deviceJIDs(of: [ownDevice.withoutDevice]).filter { $0 != ownDevice }
                try await ensureSessions(with: theirs + ours, encryptor: encryptor)
                let mediaType = message.mediaTypeAttribute
                var nodes = try await encryptor.fanOut(message, to: theirs, mediaType: mediaType).nodes
                var copy = WAMessage()
                copy.deviceSentMessage.destinationJid = chat.withoutDevice.description
                copy.deviceSentMessage.message = message
                nodes += try await encryptor.fanOut(copy, to: ours, mediaType: mediaType).nodes
                stanza.attributes["to"] = .jid(peer)
                stanza.content = .children([BinaryNode(tag: "participants", children: nodes)])
            }
        } catch let error as MessagingError {
            throw .invalidInput("cannot encrypt: \(error)")
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw .invalidInput("\(error)")
        }
        let ack = await relay.relay(stanza, from: key)
        if let code = (try? ack.optionalString("error")) ?? nil {
            throw .invalidInput("the server refused the message: \(code)")
        }
        sent[id] = (chat, message)
        return id
    }

    /// The LID device JIDs of `users`, as a usync query would list them.
    func deviceJIDs(of users: [JID]) async throws(MessagingError) -> [JID] {
        let lists = await relay.deviceLists(for: users, includeLID: true)
        return lists.flatMap { list in
            list.devices.map { JID(user: (list.lid ?? list.user).user, server: .lid, device: $0.id) }
        }
    }

    /// Builds sessions from fetched bundles for the devices that have none.
    func ensureSessions(with devices: [JID], encryptor: MessageEncryptor) async throws(MessagingError) {
        for device in try await encryptor.devicesWithoutSession(devices) {
            guard let bundle = await relay.bundle(for: device) else { continue }
            try await encryptor.startSession(with: device, bundle: bundle)
        }
    }

    /// A receipt for one of the phone's messages; a retry request is answered by encrypting the
    /// message again for that device alone (from a new session when it sent keys).
    func receiptArrived(_ node: BinaryNode) async {
        guard let receipt = try? Receipt(node: node, addressKey: "from") else { return }
        let device = receipt.chat.isGroup ? receipt.participant : receipt.chat
        guard let device else { return }
        guard receipt.kind == .retry else {
            receipts.append(PhoneReceipt(ids: receipt.ids, kind: receipt.kind, device: device))
            return
        }
        guard let request = try? RetryRequest(receipt: receipt, deviceID: UInt32(device.device)),
            let original = sent[request.messageID], request.count <= 5
        else { return }
        // Only a device the message was for may have it again.
        if receipt.chat.isGroup {
            guard original.chat == receipt.chat else { return }
        } else {
            let peer = await relay.registry.account(named: original.chat)?.lid
            guard device.user == peer || device.user == lid else { return }
        }
        let encryptor = MessageEncryptor(store: store)
        do {
            if let bundle = request.bundle {
                try await encryptor.startSession(with: device, bundle: bundle)
            } else {
                try await ensureSessions(with: [device], encryptor: encryptor)
            }
            var content = original.message
            let ownCompanion = !receipt.chat.isGroup && device.user == lid
            if ownCompanion {
                // Our own companion gets the copy it would have had: wrapped, naming the chat.
                var copy = WAMessage()
                copy.deviceSentMessage.destinationJid = original.chat.withoutDevice.description
                copy.deviceSentMessage.message = content
                content = copy
            }
            if receipt.chat.isGroup {
                content.senderKeyDistributionMessage = try await encryptor.senderKeyDistribution(
                    group: receipt.chat, ownDevice: ownDevice
                ).senderKeyDistributionMessage
            }
            let enc = try await encryptor.enc(content, for: device, retryCount: request.count).node
            var attributes: BinaryNode.Attributes = [
                "id": .string(request.messageID), "type": .string(original.message.stanzaType),
            ]
            if receipt.chat.isGroup {
                attributes["to"] = .jid(receipt.chat)
                attributes["participant"] = .jid(device)
            } else {
                attributes["to"] = .jid(device)
                if ownCompanion { attributes["recipient"] = .jid(original.chat.withoutDevice) }
            }
            _ = await relay.relay(
                BinaryNode(tag: "message", attributes: attributes, children: [enc]), from: key)
        } catch {
            logger.debug("the phone could not answer a retry", metadata: ["error": "\(error)"])
        }
    }
}
