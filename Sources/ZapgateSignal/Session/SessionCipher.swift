import Foundation
import ZapgateCrypto

/// Encrypts to and decrypts from one peer device.
///
/// Every operation loads the stored record, works on that private copy and stores it back only
/// when the whole operation succeeded, so a rejected message (bad MAC, replay, unknown prekey,
/// untrusted identity) changes nothing. Two operations on the same address must not run
/// concurrently (the load–store pair is not atomic across them): the caller serialises per
/// address, as whatsmeow does with its per-sender lock.
public struct SessionCipher: Sendable {
    public let store: any SignalProtocolStore
    public let address: SignalAddress

    public init(store: any SignalProtocolStore, address: SignalAddress) {
        self.store = store
        self.address = address
    }

    /// Whether a session with this device exists (a current state, not only archived ones).
    public func hasSession() async throws(SignalError) -> Bool {
        try await store.loadSession(for: address)?.current != nil
    }

    /// Encrypts `plaintext` (already padded by the caller if WhatsApp wants it).
    public func encrypt(_ plaintext: Data) async throws(SignalError) -> CiphertextMessage {
        guard var record = try await store.loadSession(for: address), var state = record.current else {
            throw .noSession(address)
        }
        guard try await store.isTrustedIdentity(state.remoteIdentityKey, for: address) else {
            throw .untrustedIdentity(address, identityKey: state.remoteIdentityKey)
        }
        let message = try state.encrypt(plaintext)
        record.current = state
        try await store.storeSession(record, for: address)
        return message
    }

    /// Decrypts the body of `<enc type="msg">`.
    public func decrypt(signalMessage data: Data) async throws(SignalError) -> Data {
        let message = try SignalMessage(serialized: data)
        guard var record = try await store.loadSession(for: address), !record.isEmpty else {
            throw .noSession(address)
        }
        let plaintext = try record.decrypt(message)
        guard let state = record.current else { throw .noSession(address) }
        guard try await store.isTrustedIdentity(state.remoteIdentityKey, for: address) else {
            throw .untrustedIdentity(address, identityKey: state.remoteIdentityKey)
        }
        try await store.storeSession(record, for: address)
        return plaintext
    }

    /// Decrypts the body of `<enc type="pkmsg">`, building the session from it first unless a
    /// state for its base key already exists (a later prekey message of the same session).
    public func decrypt(preKeyMessage data: Data) async throws(SignalError) -> Data {
        let message = try PreKeySignalMessage(serialized: data)
        guard try await store.isTrustedIdentity(message.identityKey, for: address) else {
            throw .untrustedIdentity(address, identityKey: message.identityKey)
        }
        var record = try await store.loadSession(for: address) ?? SessionRecord()
        var consumedPreKeyID: UInt32?
        if !record.hasState(aliceBaseKey: message.baseKey) {
            guard let signedPreKey = try await store.loadSignedPreKey(id: message.signedPreKeyID) else {
                throw .invalidSignedPreKeyID(message.signedPreKeyID)
            }
            var oneTimePreKey: PreKeyRecord?
            if let id = message.preKeyID {
                guard let found = try await store.loadPreKey(id: id) else { throw .invalidPreKeyID(id) }
                oneTimePreKey = found
            }
            let state = try SessionState.responding(
                to: message,
                identity: try await store.identityKeyPair(),
                registrationID: try await store.localRegistrationID(),
                signedPreKey: signedPreKey,
                oneTimePreKey: oneTimePreKey)
            record.setCurrent(state)
            consumedPreKeyID = oneTimePreKey?.id
        }
        let plaintext = try record.decrypt(message.message)
        try await store.storeSession(record, for: address)
        try await store.saveIdentity(message.identityKey, for: address)
        if let consumedPreKeyID { try await store.removePreKey(id: consumedPreKeyID) }
        return plaintext
    }

    /// Decrypts an `<enc>` body by its `type` attribute (`msg` or `pkmsg`).
    public func decrypt(encType: String, _ data: Data) async throws(SignalError) -> Data {
        switch encType {
        case "pkmsg": try await decrypt(preKeyMessage: data)
        case "msg": try await decrypt(signalMessage: data)
        default: throw .invalidMessage("enc type \(encType) is not msg or pkmsg")
        }
    }

    /// Accepts a peer's new identity key after `untrustedIdentity`: saves the key and archives
    /// the current session so the next PreKeySignalMessage (or our next bundle fetch) starts a
    /// fresh one. Returns true if the saved key changed. Reporting the change to the user is the
    /// caller's business.
    @discardableResult
    public func acceptIdentityChange(_ identityKey: Data) async throws(SignalError) -> Bool {
        let changed = try await store.saveIdentity(identityKey, for: address)
        if var record = try await store.loadSession(for: address), record.current != nil {
            record.archiveCurrentState()
            try await store.storeSession(record, for: address)
        }
        return changed
    }
}

extension SessionState {
    /// The store-free core of building a session from a PreKeySignalMessage (we respond): X3DH
    /// with our signed prekey and the one-time prekey the message names (nil if it names
    /// none). Trust, prekey lookup and consumption are the caller's.
    public static func responding(
        to message: PreKeySignalMessage,
        identity: Curve25519KeyPair,
        registrationID: UInt32,
        signedPreKey: SignedPreKeyRecord,
        oneTimePreKey: PreKeyRecord?
    ) throws(SignalError) -> SessionState {
        var state = try X3DH.responderState(
            ourIdentity: identity,
            ourSignedPreKey: signedPreKey.keyPair,
            ourOneTimePreKey: oneTimePreKey?.keyPair,
            theirIdentity: message.identityKey,
            theirBaseKey: message.baseKey)
        state.localRegistrationID = registrationID
        state.remoteRegistrationID = message.registrationID
        state.aliceBaseKey = message.baseKey
        return state
    }
}
