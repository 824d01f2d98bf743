import Foundation
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

/// The prekey-bundle query (`<iq xmlns="encrypt" type="get"><key><user jid/>…</key>`) that a
/// sender runs for devices it has no session with, and the `<user>` answers it gets: registration
/// id, key type, identity, signed prekey and, while the server has one left, a one-time prekey.
public enum PreKeyBundleQuery {
    /// The `<key>` child of the request. `reason="identity"` asks for the identity too, as
    /// whatsmeow always does.
    public static func request(devices: [JID]) -> BinaryNode {
        BinaryNode(
            tag: "key",
            children: devices.map {
                BinaryNode(tag: "user", attributes: ["jid": .jid($0), "reason": "identity"])
            })
    }

    /// The device JIDs a request names (server side).
    public static func requestedDevices(in iq: BinaryNode) throws(MessagingError) -> [JID] {
        guard let key = iq.child("key") else { throw .malformed("prekey query without <key>") }
        var devices: [JID] = []
        for user in key.children(tagged: "user") {
            guard let jid = try? user.jid("jid") else {
                throw .malformed("prekey query <user> without a jid")
            }
            devices.append(jid)
        }
        return devices
    }

    /// One device's answer: `<user jid>` with the bundle's children (server side).
    public static func answer(device: JID, bundle: PreKeyBundle) -> BinaryNode {
        BinaryNode(tag: "user", attributes: ["jid": .jid(device)], children: children(of: bundle))
    }

    /// An answer for a device the server cannot give keys for.
    public static func answer(device: JID, errorCode: Int, text: String) -> BinaryNode {
        BinaryNode(
            tag: "user", attributes: ["jid": .jid(device)],
            children: [
                BinaryNode(
                    tag: "error", attributes: ["code": .string(String(errorCode)), "text": .string(text)])
            ])
    }

    /// The nodes that describe a bundle, as they appear under `<user>` and in a retry
    /// receipt's `<keys>` (where the registration id sits outside, beside `<keys>`).
    public static func children(of bundle: PreKeyBundle, includeRegistration: Bool = true) -> [BinaryNode] {
        var nodes: [BinaryNode] = []
        if includeRegistration {
            nodes.append(
                BinaryNode(tag: "registration", bytes: BigEndianBytes.encode(bundle.registrationID, width: 4))
            )
        }
        nodes.append(BinaryNode(tag: "type", bytes: Data([0x05])))
        nodes.append(BinaryNode(tag: "identity", bytes: bundle.identityKey))
        if let id = bundle.preKeyID, let key = bundle.preKeyPublic {
            nodes.append(
                BinaryNode(
                    tag: "key",
                    children: [
                        BinaryNode(tag: "id", bytes: BigEndianBytes.encode(id, width: 3)),
                        BinaryNode(tag: "value", bytes: key),
                    ]))
        }
        nodes.append(
            BinaryNode(
                tag: "skey",
                children: [
                    BinaryNode(tag: "id", bytes: BigEndianBytes.encode(bundle.signedPreKeyID, width: 3)),
                    BinaryNode(tag: "value", bytes: bundle.signedPreKeyPublic),
                    BinaryNode(tag: "signature", bytes: bundle.signedPreKeySignature),
                ]))
        return nodes
    }

    /// Reads the answer `<iq>`: a bundle per device, or an error per device the server refused.
    public static func parse(answer iq: BinaryNode) throws(MessagingError) -> [JID: Result<
        PreKeyBundle, MessagingError
    >] {
        guard let list = iq.child("list") else { throw .malformed("prekey answer without <list>") }
        var bundles: [JID: Result<PreKeyBundle, MessagingError>] = [:]
        for user in list.children(tagged: "user") {
            guard let jid = try? user.jid("jid") else {
                throw .malformed("prekey answer <user> without a jid")
            }
            if let error = user.child("error") {
                let code = (try? error.optionalString("code")) ?? nil
                bundles[jid] = .failure(.malformed("no prekeys for \(jid): error \(code ?? "?")"))
                continue
            }
            // whatsmeow also accepts the children wrapped in <keys>.
            let holder = user.child("keys") ?? user
            let registration = user.child("registration") ?? holder.child("registration")
            do {
                bundles[jid] = .success(
                    try bundle(from: holder, registration: registration, deviceID: UInt32(jid.device)))
            } catch {
                bundles[jid] = .failure(error)
            }
        }
        return bundles
    }

    /// A bundle from the nodes ``children(of:includeRegistration:)`` writes.
    public static func bundle(
        from node: BinaryNode, registration: BinaryNode?, deviceID: UInt32
    ) throws(MessagingError) -> PreKeyBundle {
        guard let registrationBytes = registration?.bytes,
            let registrationID = BigEndianBytes.decode(registrationBytes, width: 4)
        else { throw .malformed("bundle without a 4-byte <registration>") }
        guard node.child("type")?.bytes == Data([0x05]) else { throw .malformed("bundle <type> is not 05") }
        guard let identity = node.child("identity")?.bytes, identity.count == 32 else {
            throw .malformed("bundle <identity> is not 32 bytes")
        }
        guard let signed = node.child("skey"), let signedKey = try? PreKeyUpload.key(from: signed),
            let signature = signed.child("signature")?.bytes, signature.count == 64
        else { throw .malformed("bundle <skey> is incomplete") }
        var oneTime: PreKeyUpload.Key?
        if let key = node.child("key") {
            guard let parsed = try? PreKeyUpload.key(from: key) else {
                throw .malformed("bundle <key> is incomplete")
            }
            oneTime = parsed
        }
        return PreKeyBundle(
            registrationID: registrationID, deviceID: deviceID, preKeyID: oneTime?.id,
            preKeyPublic: oneTime?.publicKey, signedPreKeyID: signedKey.id,
            signedPreKeyPublic: signedKey.publicKey, signedPreKeySignature: signature, identityKey: identity)
    }
}
