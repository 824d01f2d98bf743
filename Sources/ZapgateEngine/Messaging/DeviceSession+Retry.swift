import Foundation
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

extension DeviceSession {
    /// Both ends stop asking and answering after this many retries of one message.
    static let maximumRetries = 5

    /// A message did not decrypt: ask the sender for it again. From the second request on,
    /// the request carries a fresh prekey bundle so the sender can start a new session.
    func askForRetry(_ node: BinaryNode, id: String, chat: JID, sender: JID, reason: MessagingError) async {
        let count = (retriesAsked[id] ?? 0) + 1
        retriesAsked[id] = count
        let from = (try? node.jid("from")) ?? chat
        eventSink.yield(
            .undecryptable(
                .init(
                    id: id, chat: await preferredJID(for: chat), sender: sender, reason: "\(reason)",
                    retryCount: count)))
        guard count <= Self.maximumRetries, let credentials, let account = credentials.account else {
            try? await send(node.acknowledgement())
            return
        }
        logger.info(
            "asking for a message again", metadata: ["id": "\(id)", "count": "\(count)", "why": "\(reason)"])
        var bundle: PreKeyBundle?
        if count > 1, let preKey = try? await generatePreKeys(count: 1).first {
            bundle = PreKeyBundle(
                registrationID: credentials.registrationID, deviceID: UInt32(account.jid.device),
                preKeyID: preKey.id,
                preKeyPublic: preKey.keyPair.publicKey, signedPreKeyID: credentials.signedPreKey.id,
                signedPreKeyPublic: credentials.signedPreKey.keyPair.publicKey,
                signedPreKeySignature: credentials.signedPreKey.signature,
                identityKey: credentials.identityKey.publicKey)
        }
        let seconds = (try? node.optionalInteger("t", as: Int64.self)) ?? nil
        let request = RetryRequest(
            count: count, messageID: id,
            originalTimestamp: seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            registrationID: credentials.registrationID, bundle: bundle,
            deviceIdentity: bundle == nil ? nil : account.signedIdentity)
        let receipt = Receipt(
            ids: [id], kind: .retry, chat: from, participant: from.isGroup ? sender : nil,
            recipient: (try? node.optionalJID("recipient")) ?? nil, extra: request.nodes)
        try? await send(receipt.node(addressKey: "to"))
    }

    /// A device could not decrypt one of our messages: encrypt it again for that device alone
    /// (from a new session when it sent keys), with our sender key attached in a group.
    func answerRetry(_ receipt: Receipt) async {
        guard let account = credentials?.account else { return }
        let group = receipt.chat.isGroup ? receipt.chat : nil
        guard let asking = group == nil ? receipt.chat : receipt.participant,
            let request = try? RetryRequest(receipt: receipt, deviceID: UInt32(asking.device))
        else { return }
        let device = await lidAddressed(asking)
        let answeredKey = "\(request.messageID)|\(device)"
        let answered = (retriesAnswered[answeredKey] ?? 0) + 1
        retriesAnswered[answeredKey] = answered
        guard answered <= Self.maximumRetries,
            let record = try? await store.sentMessage(id: request.messageID),
            var message = try? WAMessage(serializedBytes: record.message)
        else { return }
        // Only a device the message was for may have it again: a member of the group it went
        // to, or a device of the person (or of ours) in a direct chat.
        let own = ownLID(account)
        if let group {
            guard record.chat == group.description else { return }
        } else {
            let chatUser = (try? JID(parsing: record.chat))?.user
            guard [chatUser, own.user, account.jid.user].contains(device.user) else {
                logger.warning(
                    "retry request from a device the message was not for",
                    metadata: ["id": "\(request.messageID)"])
                return
            }
        }
        do {
            if let bundle = request.bundle {
                try await withCryptoLock { encryptor, _ throws(EngineError) in
                    do { try await encryptor.startSession(with: device, bundle: bundle) } catch {
                        throw .encryption("\(error)")
                    }
                }
            } else {
                _ = try await prepareSessions(with: [device])
            }
            let ownDevice = device.user == own.user
            if ownDevice {
                var copy = WAMessage()
                copy.deviceSentMessage.destinationJid = record.chat
                copy.deviceSentMessage.message = message
                message = copy
            }
            let (enc, isPreKey) = try await withCryptoLock { encryptor, _ throws(EngineError) in
                do {
                    if let group {
                        message.senderKeyDistributionMessage = try await encryptor.senderKeyDistribution(
                            group: group, ownDevice: own
                        ).senderKeyDistributionMessage
                    }
                    return try await encryptor.enc(message, for: device, retryCount: request.count)
                } catch { throw .encryption("\(error)") }
            }
            var children = [enc]
            if isPreKey { children.append(BinaryNode(tag: "device-identity", bytes: account.signedIdentity)) }
            var node = messageNode(message, id: request.messageID, to: group ?? device, children: children)
            if let group {
                node.attributes["to"] = .jid(group)
                node.attributes["participant"] = .jid(device)
            } else {
                node.attributes["device_fanout"] = "false"
                if ownDevice, let chat = try? JID(parsing: record.chat) {
                    node.attributes["recipient"] = .jid(chat)
                }
            }
            try await send(node)
        } catch {
            logger.warning(
                "could not answer a retry request",
                metadata: ["id": "\(request.messageID)", "error": "\(error)"])
        }
    }
}
