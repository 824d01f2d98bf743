import Foundation
import ZapgateCrypto

/// Starts a session with a peer device from its prekey bundle (we are the initiator). The
/// other direction, a session built from an incoming PreKeySignalMessage, happens inside
/// `SessionCipher.decrypt(preKeyMessage:)` because it must commit together with the decrypt.
public struct SessionBuilder: Sendable {
    public let store: any SignalProtocolStore
    public let address: SignalAddress

    public init(store: any SignalProtocolStore, address: SignalAddress) {
        self.store = store
        self.address = address
    }

    /// Runs X3DH against the bundle and makes the result the current session; an existing
    /// session is archived, not lost. Messages encrypted afterwards are PreKeySignalMessages
    /// until the peer replies.
    public func process(_ bundle: PreKeyBundle) async throws(SignalError) {
        guard try await store.isTrustedIdentity(bundle.identityKey, for: address) else {
            throw .untrustedIdentity(address, identityKey: bundle.identityKey)
        }
        let state = try SessionState.initiating(
            with: bundle,
            identity: try await store.identityKeyPair(),
            registrationID: try await store.localRegistrationID())
        var record = try await store.loadSession(for: address) ?? SessionRecord()
        record.setCurrent(state)
        try await store.storeSession(record, for: address)
        try await store.saveIdentity(bundle.identityKey, for: address)
    }
}

extension SessionState {
    /// The store-free core of `SessionBuilder.process(_:)`: checks the bundle's signed prekey
    /// signature and runs X3DH as the initiator. Trust is the caller's to check.
    public static func initiating(
        with bundle: PreKeyBundle, identity: Curve25519KeyPair, registrationID: UInt32
    ) throws(SignalError) -> SessionState {
        guard bundle.identityKey.count == 32, bundle.signedPreKeyPublic.count == 32 else {
            throw .invalidKey("bundle identity or signed prekey is not 32 bytes")
        }
        guard
            SignalKeys.verifySignedPreKey(
                publicKey: bundle.signedPreKeyPublic,
                signature: bundle.signedPreKeySignature,
                identityKey: bundle.identityKey)
        else { throw .invalidSignature }
        let oneTimePreKey: Data?
        switch (bundle.preKeyID, bundle.preKeyPublic) {
        case (.some, .some(let key)) where key.count == 32: oneTimePreKey = key
        case (.none, .none): oneTimePreKey = nil
        default: throw .invalidKey("bundle one-time prekey id and key do not match")
        }
        let baseKey = Curve25519KeyPair.generate()
        var state = try X3DH.initiatorState(
            ourIdentity: identity,
            ourBaseKey: baseKey,
            theirIdentity: bundle.identityKey,
            theirSignedPreKey: bundle.signedPreKeyPublic,
            theirOneTimePreKey: oneTimePreKey)
        state.pendingPreKey = .init(
            preKeyID: bundle.preKeyID, signedPreKeyID: bundle.signedPreKeyID, baseKey: baseKey.publicKey)
        state.localRegistrationID = registrationID
        state.remoteRegistrationID = bundle.registrationID
        state.aliceBaseKey = baseKey.publicKey
        return state
    }
}
