import Foundation
import ZapgateCrypto

/// Encrypts our group messages with our sender key, or decrypts one sender's messages with
/// theirs. Like `SessionCipher`, it commits a record only after the whole operation succeeded.
public struct GroupCipher: Sendable {
    public let store: any SenderKeyStore
    public let name: SenderKeyName

    public init(store: any SenderKeyStore, name: SenderKeyName) {
        self.store = store
        self.name = name
    }

    /// Encrypts with our newest sender key (create it first with `GroupSessionBuilder`); the
    /// result is the body of `<enc type="skmsg">`.
    public func encrypt(_ plaintext: Data) async throws(SignalError) -> SenderKeyMessage {
        guard var record = try await store.loadSenderKey(for: name) else { throw .noSenderKey(name) }
        guard let message = try record.encrypt(plaintext) else { throw .noSenderKey(name) }
        try await store.storeSenderKey(record, for: name)
        return message
    }

    /// Decrypts the body of an `<enc type="skmsg">` from `name.sender`.
    public func decrypt(_ data: Data) async throws(SignalError) -> Data {
        let message = try SenderKeyMessage(serialized: data)
        guard var record = try await store.loadSenderKey(for: name),
            let plaintext = try record.decrypt(message)
        else { throw .noSenderKey(name) }
        try await store.storeSenderKey(record, for: name)
        return plaintext
    }
}

extension SenderKeyRecord {
    /// The store-free core of `GroupCipher.encrypt`: nil when the record holds no sender key
    /// of our own (one with a private signing key).
    public mutating func encrypt(_ plaintext: Data) throws(SignalError) -> SenderKeyMessage? {
        guard var state = states.first, let signing = state.signingKeyPair else { return nil }
        let key = try state.chainKey.messageKey()
        // Advance first: a chain at its last iteration must not send a message it cannot follow.
        let nextChainKey = try state.chainKey.next()
        let ciphertext: Data
        do {
            ciphertext = try AESCBC.encrypt(plaintext, key: key.cipherKey, iv: key.iv)
        } catch {
            throw .invalidMessage("AES-CBC refused the sender message key: \(error)")
        }
        let message = try SenderKeyMessage(
            keyID: state.keyID, iteration: key.iteration, ciphertext: ciphertext, signingKey: signing)
        state.chainKey = nextChainKey
        states[0] = state
        return message
    }

    /// The store-free core of `GroupCipher.decrypt`: nil when no state has the message's key
    /// id. On a throw the record is unchanged.
    public mutating func decrypt(_ message: SenderKeyMessage) throws(SignalError) -> Data? {
        guard let position = states.firstIndex(where: { $0.keyID == message.keyID }) else { return nil }
        var state = states[position]
        guard message.hasValidSignature(signingKey: state.signingPublicKey) else { throw .invalidSignature }
        let key = try state.messageKey(for: message.iteration)
        let plaintext: Data
        do {
            plaintext = try AESCBC.decrypt(message.ciphertext, key: key.cipherKey, iv: key.iv)
        } catch {
            throw .invalidMessage("group ciphertext does not decrypt: \(error)")
        }
        states[position] = state
        return plaintext
    }
}

extension SenderKeyState {
    /// The key for `iteration`: a kept one for a late message, or the chain advanced to it.
    mutating func messageKey(for iteration: UInt32) throws(SignalError) -> SenderMessageKey {
        let current = chainKey.iteration
        if iteration < current {
            guard let position = skippedKeys.firstIndex(where: { $0.iteration == iteration }) else {
                throw .duplicateMessage(counter: iteration)
            }
            let key = try SenderMessageKey(iteration: iteration, seed: skippedKeys[position].seed)
            skippedKeys.remove(at: position)
            return key
        }
        // iteration >= current here, so the subtraction cannot underflow.
        guard iteration - current <= Self.maximumForwardJump else {
            throw .messageTooFarAhead(counter: iteration, current: current)
        }
        // Work on copies so a throw part way (an exhausted chain) leaves this state as it was.
        var chain = chainKey
        var skipped = skippedKeys
        while chain.iteration < iteration {
            skipped.append(.init(iteration: chain.iteration, seed: chain.messageKeySeed))
            chain = try chain.next()
        }
        let key = try chain.messageKey()
        let nextChainKey = try chain.next()
        if skipped.count > Self.maximumSkippedKeys {
            skipped.removeFirst(skipped.count - Self.maximumSkippedKeys)
        }
        skippedKeys = skipped
        chainKey = nextChainKey
        return key
    }
}
