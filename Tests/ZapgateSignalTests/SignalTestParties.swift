import Foundation
import ZapgateSignal
import ZapgateTestSupport

/// Our side of a test conversation: a device with in-memory stores.
struct LocalParty {
    let identity = SignalKeys.generateIdentityKeyPair()
    let registrationID = SignalKeys.generateRegistrationID()
    let store: InMemorySignalStore

    init() {
        store = InMemorySignalStore(identity: identity, registrationID: registrationID)
    }

    /// Stores a new signed prekey (and one-time prekey if an id is given) and returns the bundle.
    func bundle(preKeyID: UInt32?, signedPreKeyID: UInt32, deviceID: UInt32 = 1) async throws -> PreKeyBundle
    {
        let signed = try SignalKeys.generateSignedPreKey(identity: identity, id: signedPreKeyID)
        await store.storeSignedPreKey(signed)
        var preKey: PreKeyRecord?
        if let preKeyID {
            preKey = SignalKeys.generatePreKeys(start: preKeyID, count: 1).first
            if let preKey { await store.storePreKey(preKey) }
        }
        return PreKeyBundle(
            registrationID: registrationID, deviceID: deviceID,
            preKeyID: preKey?.id, preKeyPublic: preKey?.keyPair.publicKey,
            signedPreKeyID: signed.id, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: identity.publicKey)
    }

    func cipher(_ address: SignalAddress) -> SessionCipher { SessionCipher(store: store, address: address) }
}

/// A python-axolotl device inside the oracle process.
struct AxolotlParty {
    let oracle: OracleProcess
    let name: String
    let identity: Data
    let registrationID: UInt32

    init(_ oracle: OracleProcess, name: String) throws {
        self.oracle = oracle
        self.name = name
        let reply = try oracle.call(["op": "new", "party": name])
        identity = try hexField(reply, "identity")
        registrationID = UInt32(reply["reg"] as? Int ?? 0)
    }

    func bundle(preKeyID: UInt32?, signedPreKeyID: UInt32) throws -> PreKeyBundle {
        var request: [String: Any] = ["op": "bundle", "party": name, "spk_id": Int(signedPreKeyID)]
        if let preKeyID { request["prekey_id"] = Int(preKeyID) }
        let reply = try oracle.call(request)
        return PreKeyBundle(
            registrationID: UInt32(reply["reg"] as? Int ?? 0), deviceID: 1,
            preKeyID: (reply["prekey_id"] as? Int).map(UInt32.init),
            preKeyPublic: reply["prekey"] == nil ? nil : try hexField(reply, "prekey"),
            signedPreKeyID: UInt32(reply["spk_id"] as? Int ?? 0),
            signedPreKeyPublic: try hexField(reply, "spk"),
            signedPreKeySignature: try hexField(reply, "spk_sig"),
            identityKey: try hexField(reply, "identity"))
    }

    func process(_ bundle: PreKeyBundle, from peer: String, device: UInt32 = 1) throws {
        var encoded: [String: Any] = [
            "reg": Int(bundle.registrationID), "spk_id": Int(bundle.signedPreKeyID),
            "spk": bundle.signedPreKeyPublic.hex, "spk_sig": bundle.signedPreKeySignature.hex,
            "identity": bundle.identityKey.hex,
        ]
        if let id = bundle.preKeyID, let key = bundle.preKeyPublic {
            encoded["prekey_id"] = Int(id)
            encoded["prekey"] = key.hex
        }
        try oracle.call([
            "op": "process_bundle", "party": name, "peer": peer, "device": Int(device), "bundle": encoded,
        ])
    }

    /// Encrypts each plaintext in order; returns (enc type, bytes) pairs.
    func encrypt(_ plaintexts: [Data], to peer: String, device: UInt32 = 1) throws -> [(String, Data)] {
        let reply = try oracle.call([
            "op": "encrypt_many", "party": name, "peer": peer, "device": Int(device),
            "pts": plaintexts.map(\.hex),
        ])
        let items = reply["items"] as? [[String: Any]] ?? []
        return try items.map { (($0["type"] as? String) ?? "", try hexField($0, "ct")) }
    }

    /// Decrypts each message in order; a failure is reported per message as its error text.
    func decrypt(_ messages: [(String, Data)], from peer: String, device: UInt32 = 1) throws
        -> [Result<Data, OracleProcess.Failure>]
    {
        let reply = try oracle.call([
            "op": "decrypt_many", "party": name, "peer": peer, "device": Int(device),
            "items": messages.map { ["type": $0.0, "ct": $0.1.hex] },
        ])
        let results = reply["results"] as? [[String: Any]] ?? []
        return results.map { result in
            if let text = result["pt"] as? String, let data = Data(hex: text) { return .success(data) }
            return .failure(.reported(result["error"] as? String ?? "no result"))
        }
    }

    func hasPreKey(_ id: UInt32) throws -> Bool {
        try oracle.call(["op": "has_prekey", "party": name, "prekey_id": Int(id)])["present"] as? Bool
            ?? false
    }
}

func hexField(_ reply: [String: Any], _ key: String) throws -> Data {
    guard let text = reply[key] as? String, let data = Data(hex: text) else {
        throw OracleProcess.Failure.malformedReply("field \(key) missing or not hex in \(reply)")
    }
    return data
}
