import Foundation
import SwiftProtobuf
import ZapgateProto
import ZapgateSignal
import ZapgateWire

/// Encrypts message content for devices: pairwise (`pkmsg`/`msg`) for each device of a fan-out,
/// or once with our sender key (`skmsg`) for a group. The caller serialises calls per store.
public struct MessageEncryptor: Sendable {
    public let store: any SignalProtocolStore & SenderKeyStore

    public init(store: any SignalProtocolStore & SenderKeyStore) {
        self.store = store
    }

    /// The devices among `devices` that have no session yet (their bundles must be fetched).
    public func devicesWithoutSession(_ devices: [JID]) async throws(MessagingError) -> [JID] {
        var missing: [JID] = []
        for device in devices {
            do {
                if try await !SessionCipher(store: store, address: device.signalAddress).hasSession() {
                    missing.append(device)
                }
            } catch { throw .signal(error) }
        }
        return missing
    }

    /// Starts a session with `device` from its bundle.
    public func startSession(with device: JID, bundle: PreKeyBundle) async throws(MessagingError) {
        do { try await SessionBuilder(store: store, address: device.signalAddress).process(bundle) } catch {
            throw .signal(error)
        }
    }

    /// One `<enc v="2">` for `device`: the padded serialized `message`.
    public func enc(
        _ message: WAMessage, for device: JID, mediaType: String? = nil, retryCount: Int? = nil
    ) async throws(MessagingError) -> (node: BinaryNode, isPreKeyMessage: Bool) {
        var result = try await enc(
            padded: WhatsAppPadding.pad(try Self.serialize(message)), for: device, mediaType: mediaType,
            retryCount: retryCount)
        Self.markHidden(&result.node, message)
        return result
    }

    /// `<to jid><enc/></to>` for each device, and whether any of them is a prekey message
    /// (then the stanza must carry our device identity).
    public func fanOut(
        _ message: WAMessage, to devices: [JID], mediaType: String? = nil
    ) async throws(MessagingError) -> (nodes: [BinaryNode], includesPreKeyMessage: Bool) {
        let padded = WhatsAppPadding.pad(try Self.serialize(message))
        var nodes: [BinaryNode] = []
        var anyPreKey = false
        for device in devices {
            var (node, isPreKey) = try await enc(
                padded: padded, for: device, mediaType: mediaType, retryCount: nil)
            Self.markHidden(&node, message)
            anyPreKey = anyPreKey || isPreKey
            nodes.append(BinaryNode(tag: "to", attributes: ["jid": .jid(device)], children: [node]))
        }
        return (nodes, anyPreKey)
    }

    /// Our distribution message for `group` as `Message.senderKeyDistributionMessage`, creating
    /// our sender key on first use. `ownDevice` is our device JID in the group's addressing.
    public func senderKeyDistribution(group: JID, ownDevice: JID) async throws(MessagingError) -> WAMessage {
        let name = SenderKeyName(groupID: group.description, sender: ownDevice.signalAddress)
        let distribution: SenderKeyDistributionMessage
        do {
            distribution = try await GroupSessionBuilder(store: store).createDistributionMessage(for: name)
        } catch {
            throw .signal(error)
        }
        var message = WAMessage()
        message.senderKeyDistributionMessage.groupID = group.description
        message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage = distribution.serialized
        return message
    }

    /// The group content as one `<enc v="2" type="skmsg">`, under our sender key.
    public func groupEnc(
        _ message: WAMessage, group: JID, ownDevice: JID, mediaType: String? = nil
    ) async throws(MessagingError) -> BinaryNode {
        let name = SenderKeyName(groupID: group.description, sender: ownDevice.signalAddress)
        let padded = WhatsAppPadding.pad(try Self.serialize(message))
        let encrypted: SenderKeyMessage
        do { encrypted = try await GroupCipher(store: store, name: name).encrypt(padded) } catch {
            throw .signal(error)
        }
        var node = Self.encNode(
            type: "skmsg", body: encrypted.serialized, mediaType: mediaType, retryCount: nil)
        Self.markHidden(&node, message)
        return node
    }

    /// Reactions and edits ask recipients that cannot decrypt them to say nothing
    /// (`decrypt-fail="hide"`): their absence is harmless.
    static func markHidden(_ enc: inout BinaryNode, _ message: WAMessage) {
        if message.hidesDecryptFailure { enc.attributes["decrypt-fail"] = "hide" }
    }

    private func enc(
        padded: Data, for device: JID, mediaType: String?, retryCount: Int?
    ) async throws(MessagingError) -> (node: BinaryNode, isPreKeyMessage: Bool) {
        let ciphertext: CiphertextMessage
        do {
            ciphertext = try await SessionCipher(store: store, address: device.signalAddress).encrypt(padded)
        } catch {
            throw .signal(error)
        }
        let node = Self.encNode(
            type: ciphertext.encType, body: ciphertext.serialized, mediaType: mediaType,
            retryCount: retryCount)
        return (node, ciphertext.encType == "pkmsg")
    }

    static func encNode(type: String, body: Data, mediaType: String?, retryCount: Int?) -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["v": "2", "type": .string(type)]
        if let mediaType { attributes["mediatype"] = .string(mediaType) }
        if let retryCount { attributes["count"] = .string(String(retryCount)) }
        return BinaryNode(tag: "enc", attributes: attributes, bytes: body)
    }

    static func serialize(_ message: WAMessage) throws(MessagingError) -> Data {
        do { return try message.serializedData() } catch {
            throw .invalidContent("cannot serialize: \(error)")
        }
    }
}
