import Foundation
import ZapgateCrypto

// The stores are async protocols because the persistent ones (next layer) are actors over a
// database: an async requirement lets them suspend instead of blocking a thread, and an actor
// satisfies it directly. Everything that crosses into a store is a Sendable value type, so the
// ciphers can load a record, work on their private copy and hand it back in one call; that copy
// is what makes a failed decrypt leave no trace. A store reports its own failures as
// `SignalError.storeFailure`.

/// Our identity and the identities we have seen for peers.
public protocol IdentityKeyStore: Sendable {
    func identityKeyPair() async throws(SignalError) -> Curve25519KeyPair
    func localRegistrationID() async throws(SignalError) -> UInt32
    /// Whether `identityKey` (32 bytes) may be used with `address`. The usual rule, and the
    /// in-memory store's: trust on first use, then only the saved key.
    func isTrustedIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError) -> Bool
    /// Saves the peer's identity key; returns true if it replaced a different one.
    @discardableResult
    func saveIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError) -> Bool
    /// The saved identity key of a peer, if any.
    func identity(for address: SignalAddress) async throws(SignalError) -> Data?
}

/// One-time prekeys; a PreKeySignalMessage consumes the one it names.
public protocol PreKeyStore: Sendable {
    func loadPreKey(id: UInt32) async throws(SignalError) -> PreKeyRecord?
    func storePreKey(_ record: PreKeyRecord) async throws(SignalError)
    func removePreKey(id: UInt32) async throws(SignalError)
}

/// Signed prekeys (usually one current plus a few recent ones).
public protocol SignedPreKeyStore: Sendable {
    func loadSignedPreKey(id: UInt32) async throws(SignalError) -> SignedPreKeyRecord?
    func storeSignedPreKey(_ record: SignedPreKeyRecord) async throws(SignalError)
}

/// Session records per peer device.
public protocol SessionStore: Sendable {
    func loadSession(for address: SignalAddress) async throws(SignalError) -> SessionRecord?
    func storeSession(_ record: SessionRecord, for address: SignalAddress) async throws(SignalError)
    func deleteSession(for address: SignalAddress) async throws(SignalError)
}

/// Sender-key records per (group, sender device).
public protocol SenderKeyStore: Sendable {
    func loadSenderKey(for name: SenderKeyName) async throws(SignalError) -> SenderKeyRecord?
    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws(SignalError)
}

/// Everything the 1:1 ciphers need in one value.
public typealias SignalProtocolStore = IdentityKeyStore & PreKeyStore & SignedPreKeyStore & SessionStore
