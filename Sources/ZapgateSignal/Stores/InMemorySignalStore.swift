import Foundation
import ZapgateCrypto

/// All five stores in memory, for tests and benchmarks. Sessions and sender keys are kept in
/// their serialised form, exactly as a database would hold them, so tests can compare bytes
/// before and after a rejected message.
public actor InMemorySignalStore: SignalProtocolStore, SenderKeyStore {
    private let identity: Curve25519KeyPair
    private let registrationID: UInt32
    private var identities: [SignalAddress: Data] = [:]
    private var preKeys: [UInt32: PreKeyRecord] = [:]
    private var signedPreKeys: [UInt32: SignedPreKeyRecord] = [:]
    private var records = SerializedSignalRecords()

    public init(identity: Curve25519KeyPair, registrationID: UInt32) {
        self.identity = identity
        self.registrationID = registrationID
    }

    public func identityKeyPair() -> Curve25519KeyPair { identity }
    public func localRegistrationID() -> UInt32 { registrationID }

    public func isTrustedIdentity(_ identityKey: Data, for address: SignalAddress) -> Bool {
        identities[address].map { $0 == identityKey } ?? true
    }

    @discardableResult
    public func saveIdentity(_ identityKey: Data, for address: SignalAddress) -> Bool {
        let old = identities.updateValue(identityKey, forKey: address)
        return old != nil && old != identityKey
    }

    public func identity(for address: SignalAddress) -> Data? { identities[address] }

    public func loadPreKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }
    public func storePreKey(_ record: PreKeyRecord) { preKeys[record.id] = record }
    public func removePreKey(id: UInt32) { preKeys[id] = nil }
    /// The ids of the one-time prekeys still unused.
    public func preKeyIDs() -> [UInt32] { preKeys.keys.sorted() }

    public func loadSignedPreKey(id: UInt32) -> SignedPreKeyRecord? { signedPreKeys[id] }
    public func storeSignedPreKey(_ record: SignedPreKeyRecord) { signedPreKeys[record.id] = record }

    public func loadSession(for address: SignalAddress) throws(SignalError) -> SessionRecord? {
        try records.session(for: address)
    }

    public func storeSession(_ record: SessionRecord, for address: SignalAddress) {
        records.storeSession(record, for: address)
    }

    public func deleteSession(for address: SignalAddress) { records.setSessionBytes(nil, for: address) }

    /// The stored bytes of a session, as a persistent store would hold them.
    public func sessionBytes(for address: SignalAddress) -> Data? { records.sessions[address] }

    public func loadSenderKey(for name: SenderKeyName) throws(SignalError) -> SenderKeyRecord? {
        try records.senderKey(for: name)
    }

    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        records.storeSenderKey(record, for: name)
    }

    /// The stored bytes of a sender key record.
    public func senderKeyBytes(for name: SenderKeyName) -> Data? { records.senderKeys[name] }
}
