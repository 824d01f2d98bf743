import Foundation
import ZapgateWire

/// The `<iq xmlns="encrypt" type="set">` a companion uploads its keys with: registration id,
/// identity, one-time prekeys and the signed prekey. Public keys are 32 raw bytes, ids
/// big-endian (four bytes for the registration id, three for prekeys).
public struct PreKeyUpload: Sendable, Equatable {
    /// A public prekey as uploaded.
    public struct Key: Sendable, Equatable {
        public var id: UInt32
        public var publicKey: Data
        /// Present on the signed prekey only.
        public var signature: Data?

        public init(id: UInt32, publicKey: Data, signature: Data? = nil) {
            self.id = id
            self.publicKey = publicKey
            self.signature = signature
        }
    }

    public var registrationID: UInt32
    public var identityKey: Data
    public var preKeys: [Key]
    public var signedPreKey: Key

    public init(registrationID: UInt32, identityKey: Data, preKeys: [Key], signedPreKey: Key) {
        self.registrationID = registrationID
        self.identityKey = identityKey
        self.preKeys = preKeys
        self.signedPreKey = signedPreKey
    }

    /// The key type byte the server expects (Curve25519, as in libsignal).
    static let keyType = Data([0x05])

    /// The request, with iq id `id`.
    public func request(id: String) -> BinaryNode {
        .iq(id: id, type: "set", xmlns: "encrypt", children: requestChildren)
    }

    /// What goes inside the request `<iq>`.
    public var requestChildren: [BinaryNode] {
        [
            BinaryNode(tag: "registration", bytes: BigEndianBytes.encode(registrationID, width: 4)),
            BinaryNode(tag: "type", bytes: Self.keyType),
            BinaryNode(tag: "identity", bytes: identityKey),
            BinaryNode(tag: "list", children: preKeys.map { Self.keyNode("key", $0) }),
            Self.keyNode("skey", signedPreKey),
        ]
    }

    /// Reads an upload request; every length is checked.
    public init(request node: BinaryNode) throws(ProtocolError) {
        guard let registration = node.child("registration")?.bytes,
            let registrationID = BigEndianBytes.decode(registration, width: 4)
        else { throw .malformed("upload has no 4-byte <registration>") }
        guard node.child("type")?.bytes == Self.keyType else {
            throw .malformed("upload <type> is not 05")
        }
        guard let identity = node.child("identity")?.bytes, identity.count == 32 else {
            throw .malformed("upload <identity> is not 32 bytes")
        }
        guard let list = node.child("list") else { throw .malformed("upload has no <list>") }
        guard let signed = node.child("skey") else { throw .malformed("upload has no <skey>") }
        let signedKey = try Self.key(from: signed)
        guard let signature = signedKey.signature, signature.count == 64 else {
            throw .malformed("upload <skey> has no 64-byte <signature>")
        }
        var keys: [Key] = []
        for child in list.children(tagged: "key") { keys.append(try Self.key(from: child)) }
        self.init(
            registrationID: registrationID, identityKey: identity, preKeys: keys, signedPreKey: signedKey)
    }

    static func keyNode(_ tag: String, _ key: Key) -> BinaryNode {
        var children = [
            BinaryNode(tag: "id", bytes: BigEndianBytes.encode(key.id, width: 3)),
            BinaryNode(tag: "value", bytes: key.publicKey),
        ]
        if let signature = key.signature { children.append(BinaryNode(tag: "signature", bytes: signature)) }
        return BinaryNode(tag: tag, children: children)
    }

    /// Reads an `<id>`/`<value>`[/`<signature>`] key node.
    public static func key(from node: BinaryNode) throws(ProtocolError) -> Key {
        guard let idBytes = node.child("id")?.bytes, let id = BigEndianBytes.decode(idBytes, width: 3) else {
            throw .malformed("<\(node.tag)> has no 3-byte <id>")
        }
        guard let value = node.child("value")?.bytes, value.count == 32 else {
            throw .malformed("<\(node.tag)> <value> is not 32 bytes")
        }
        return Key(id: id, publicKey: value, signature: node.child("signature")?.bytes)
    }
}
