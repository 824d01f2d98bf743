import Foundation
import SwiftProtobuf
import ZapgateMessaging
import ZapgateProto
import ZapgateWire

extension DeviceSession {
    /// Sends `message` to a person (phone-number or LID JID) or a group, and returns once the
    /// server accepted it.
    ///
    /// A person's devices and ours come from usync (cached until a devices notification); devices
    /// without a session get one from a fetched prekey bundle; each device gets its own
    /// encrypted copy, our other devices a device-sent copy. A group gets the content once under
    /// our sender key, and the sender key itself goes pairwise to member devices that lack it.
    /// Fails with ``EngineError/noSuchUser(_:)``, ``EngineError/notInGroup(_:)``,
    /// ``EngineError/messageRejected(code:)`` or ``EngineError/timeout(_:)``.
    @discardableResult
    public func send(_ message: WAMessage, to chat: JID, id: String? = nil) async throws(EngineError)
        -> SentMessage
    {
        guard let account = credentials?.account else { throw .notLinked }
        guard link?.loggedIn == true else { throw .notConnected }
        let id = id ?? MessageID.generate(ownUser: account.jid.user)
        let (stanza, wireChat, newHolders) =
            chat.isGroup
            ? try await groupStanza(message, group: chat.withoutDevice, id: id, account: account)
            : try await directStanza(message, to: chat.withoutDevice, id: id, account: account)
        let serialized: Data
        do { serialized = try message.serializedData() } catch { throw .encryption("\(error)") }
        // Kept before sending: a device that cannot decrypt may ask again before the ack is read.
        try await store.saveSentMessage(
            SentMessageRecord(id: id, chat: wireChat.description, message: serialized, timestamp: Date()))
        let ack = try await roundTrip(stanza, id: id, label: "message \(id)")
        if let code = (try? ack.optionalInteger("error", as: Int.self)) ?? nil {
            throw .messageRejected(code: code)
        }
        if !newHolders.isEmpty {
            try await store.addSenderKeyHolders(
                newHolders.map(\.signalAddress.description), group: wireChat.description)
        }
        let seconds = (try? ack.optionalInteger("t", as: Int64.self)) ?? nil
        let timestamp = seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        eventSink.yield(
            .messageStatus(
                .init(ids: [id], chat: chat.withoutDevice, device: nil, status: .sent, timestamp: timestamp)))
        return SentMessage(id: id, chat: wireChat, timestamp: timestamp)
    }

    private func directStanza(
        _ message: WAMessage, to chat: JID, id: String, account: LinkedAccount
    ) async throws(EngineError) -> (BinaryNode, JID, [JID]) {
        let own = ownLID(account)
        let lists = try await devices(of: [chat, own.withoutDevice])
        guard let listed = lists[chat], let peer = listed.first?.withoutDevice else {
            throw .noSuchUser(chat.description)
        }
        let ownDevices = (lists[own.withoutDevice] ?? []).filter { $0 != own }
        // One bundle query for every device still without a session, theirs and ours.
        let ready = Set(try await prepareSessions(with: listed + ownDevices))
        let theirs = listed.filter(ready.contains)
        let ours = ownDevices.filter(ready.contains)
        var copy = WAMessage()
        copy.deviceSentMessage.destinationJid = chat.description
        copy.deviceSentMessage.message = message
        let mediaType = message.mediaTypeAttribute
        let (nodes, anyPreKey) = try await withCryptoLock { encryptor, _ throws(EngineError) in
            do {
                let direct = try await encryptor.fanOut(message, to: theirs, mediaType: mediaType)
                let copies = try await encryptor.fanOut(copy, to: ours, mediaType: mediaType)
                return (
                    direct.nodes + copies.nodes, direct.includesPreKeyMessage || copies.includesPreKeyMessage
                )
            } catch { throw .encryption("\(error)") }
        }
        var children = [BinaryNode(tag: "participants", children: nodes)]
        if anyPreKey { children.append(BinaryNode(tag: "device-identity", bytes: account.signedIdentity)) }
        return (messageNode(message, id: id, to: peer, children: children), peer, [])
    }

    private func groupStanza(
        _ message: WAMessage, group: JID, id: String, account: LinkedAccount
    ) async throws(EngineError) -> (BinaryNode, JID, [JID]) {
        let own = ownLID(account)
        let members = try await members(of: group)
        let lists = try await devices(of: members)
        let everyone = members.flatMap { lists[$0] ?? [] }.filter { $0 != own }
        let holders = try await store.senderKeyHolders(group: group.description)
        let lacking = try await prepareSessions(
            with: everyone.filter { !holders.contains($0.signalAddress.description) })
        let mediaType = message.mediaTypeAttribute
        let (pairwise, content, anyPreKey) = try await withCryptoLock { encryptor, _ throws(EngineError) in
            do {
                let distribution = try await encryptor.senderKeyDistribution(group: group, ownDevice: own)
                let pairwise = try await encryptor.fanOut(distribution, to: lacking)
                let content = try await encryptor.groupEnc(
                    message, group: group, ownDevice: own, mediaType: mediaType)
                return (pairwise.nodes, content, pairwise.includesPreKeyMessage)
            } catch { throw .encryption("\(error)") }
        }
        var children = [BinaryNode(tag: "participants", children: pairwise), content]
        if anyPreKey { children.append(BinaryNode(tag: "device-identity", bytes: account.signedIdentity)) }
        var node = messageNode(message, id: id, to: group, children: children)
        node.attributes["addressing_mode"] = "lid"
        return (node, group, lacking)
    }

    func messageNode(_ message: WAMessage, id: String, to: JID, children: [BinaryNode]) -> BinaryNode {
        var attributes: BinaryNode.Attributes = [
            "id": .string(id), "to": .jid(to), "type": .string(message.stanzaType),
        ]
        if let edit = message.editAttribute { attributes["edit"] = .string(edit) }
        return BinaryNode(tag: "message", attributes: attributes, children: children)
    }

    /// Our device's LID JID (the server gives every account one at login).
    func ownLID(_ account: LinkedAccount) -> JID {
        account.lid ?? account.jid
    }
}
