import Foundation
import ZapgateCrypto
import ZapgateSignal

/// The Signal stores the ciphers need, over a ``DeviceStore`` and the device's credentials:
/// our identity, registration id and signed prekey come from the credentials, everything else
/// from the store.
struct DeviceSignalStore: SignalProtocolStore, SenderKeyStore {
    let store: any DeviceStore
    let identity: Curve25519KeyPair
    let registrationID: UInt32
    let signedPreKey: SignedPreKeyRecord

    init(store: any DeviceStore, credentials: DeviceCredentials) {
        self.store = store
        identity = credentials.identityKey
        registrationID = credentials.registrationID
        signedPreKey = credentials.signedPreKey
    }

    func identityKeyPair() -> Curve25519KeyPair { identity }
    func localRegistrationID() -> UInt32 { registrationID }

    func isTrustedIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError) -> Bool
    {
        // Trust on first use. A changed key is accepted too, as WhatsApp clients do (the
        // change is reported, not refused): the new session replaces the old.
        true
    }

    func saveIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError) -> Bool {
        try await store.savePeerIdentity(identityKey, for: address)
    }

    func identity(for address: SignalAddress) async throws(SignalError) -> Data? {
        try await store.peerIdentity(for: address)
    }

    func loadPreKey(id: UInt32) async throws(SignalError) -> PreKeyRecord? {
        try await store.loadPreKey(id: id)
    }
    func storePreKey(_ record: PreKeyRecord) async throws(SignalError) { try await store.storePreKey(record) }
    func removePreKey(id: UInt32) async throws(SignalError) { try await store.removePreKey(id: id) }

    func loadSignedPreKey(id: UInt32) -> SignedPreKeyRecord? { id == signedPreKey.id ? signedPreKey : nil }
    func storeSignedPreKey(_ record: SignedPreKeyRecord) {}

    func loadSession(for address: SignalAddress) async throws(SignalError) -> SessionRecord? {
        try await store.loadSession(for: address)
    }

    func storeSession(_ record: SessionRecord, for address: SignalAddress) async throws(SignalError) {
        try await store.storeSession(record, for: address)
    }

    func deleteSession(for address: SignalAddress) async throws(SignalError) {
        try await store.deleteSession(for: address)
    }

    func loadSenderKey(for name: SenderKeyName) async throws(SignalError) -> SenderKeyRecord? {
        try await store.loadSenderKey(for: name)
    }

    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws(SignalError) {
        try await store.storeSenderKey(record, for: name)
    }
}
