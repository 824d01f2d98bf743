import Foundation
import ZapgateCrypto

extension SessionState {
    /// Encrypts one message on the sending chain and advances it. While the peer has not yet
    /// answered, the result is a PreKeySignalMessage so it can build the session from it.
    mutating func encrypt(_ plaintext: Data) throws(SignalError) -> CiphertextMessage {
        let chainKey = sendingChain.chainKey
        // Advance first: a chain at its last index must not send a message it cannot follow.
        let nextChainKey = try chainKey.next()
        let keys = try chainKey.messageKeys()
        let ciphertext: Data
        do {
            ciphertext = try AESCBC.encrypt(plaintext, key: keys.cipherKey, iv: keys.iv)
        } catch {
            throw .invalidMessage("AES-CBC refused the message keys: \(error)")
        }
        let message = SignalMessage(
            ratchetKey: sendingChain.ratchetKeyPair.publicKey,
            counter: chainKey.index,
            previousCounter: previousCounter,
            ciphertext: ciphertext,
            macKey: keys.macKey,
            senderIdentity: localIdentityKey,
            receiverIdentity: remoteIdentityKey)
        sendingChain.chainKey = nextChainKey
        guard let pending = pendingPreKey else { return .signal(message) }
        return .preKey(
            PreKeySignalMessage(
                registrationID: localRegistrationID,
                preKeyID: pending.preKeyID,
                signedPreKeyID: pending.signedPreKeyID,
                baseKey: pending.baseKey,
                identityKey: localIdentityKey,
                message: message))
    }

    /// Decrypts one message, ratcheting forward if it carries a new ratchet key. The state is
    /// only meaningful if this returns; callers work on a copy.
    mutating func decrypt(_ message: SignalMessage) throws(SignalError) -> Data {
        guard version == 3 else { throw .invalidMessage("session version \(version) is not 3") }
        let chainIndex = try receivingChainIndex(ratchetingTo: message.ratchetKey)
        let keys = try messageKeys(chain: chainIndex, counter: message.counter)
        guard
            message.hasValidMAC(
                macKey: keys.macKey, senderIdentity: remoteIdentityKey, receiverIdentity: localIdentityKey)
        else { throw .invalidMAC }
        let plaintext: Data
        do {
            plaintext = try AESCBC.decrypt(message.ciphertext, key: keys.cipherKey, iv: keys.iv)
        } catch {
            throw .invalidMessage("ciphertext does not decrypt: \(error)")
        }
        // The peer has answered, so it has our session: stop sending prekey messages.
        pendingPreKey = nil
        return plaintext
    }

    /// The receiving chain for `theirRatchetKey`, doing a DH ratchet step if it is new.
    private mutating func receivingChainIndex(ratchetingTo theirRatchetKey: Data) throws(SignalError) -> Int {
        if let index = receivingChainIndex(for: theirRatchetKey) { return index }
        let (middleRoot, receivingChain) = try rootKey.step(
            theirRatchetKey: theirRatchetKey, ourRatchetKey: sendingChain.ratchetKeyPair)
        let newRatchet = Curve25519KeyPair.generate()
        let (nextRoot, newSendingChain) = try middleRoot.step(
            theirRatchetKey: theirRatchetKey, ourRatchetKey: newRatchet)
        rootKey = nextRoot
        addReceivingChain(ratchetKey: theirRatchetKey, chainKey: receivingChain)
        previousCounter = sendingChain.chainKey.index > 0 ? sendingChain.chainKey.index - 1 : 0
        sendingChain = SendingChain(ratchetKeyPair: newRatchet, chainKey: newSendingChain)
        return receivingChains.count - 1
    }

    /// The message keys for `counter` on a receiving chain: a kept skipped key for a late
    /// message, or the chain advanced to `counter`, keeping the keys it passes over.
    private mutating func messageKeys(chain index: Int, counter: UInt32) throws(SignalError) -> MessageKeys {
        var chain = receivingChains[index]
        let current = chain.chainKey.index
        if counter < current {
            guard let position = chain.skippedKeys.firstIndex(where: { $0.counter == counter }) else {
                throw .duplicateMessage(counter: counter)
            }
            let skipped = chain.skippedKeys.remove(at: position)
            let keys = try MessageKeys(seed: skipped.seed, counter: counter)
            receivingChains[index] = chain
            return keys
        }
        // counter >= current here, so the subtraction cannot underflow.
        guard counter - current <= Self.maximumForwardJump else {
            throw .messageTooFarAhead(counter: counter, current: current)
        }
        var chainKey = chain.chainKey
        while chainKey.index < counter {
            chain.skippedKeys.append(SkippedKey(counter: chainKey.index, seed: chainKey.messageKeySeed))
            chainKey = try chainKey.next()
        }
        if chain.skippedKeys.count > Self.maximumSkippedKeysPerChain {
            chain.skippedKeys.removeFirst(chain.skippedKeys.count - Self.maximumSkippedKeysPerChain)
        }
        let keys = try chainKey.messageKeys()
        chain.chainKey = try chainKey.next()
        receivingChains[index] = chain
        return keys
    }
}

extension SessionRecord {
    /// Encrypts on the current state. This and `decrypt(_:)` are the store-free core of
    /// `SessionCipher`, for callers that run their own transaction around load and store.
    public mutating func encrypt(_ plaintext: Data) throws(SignalError) -> CiphertextMessage {
        guard var state = current else { throw .invalidMessage("session record has no current state") }
        let message = try state.encrypt(plaintext)
        current = state
        return message
    }

    /// Tries the current state, then each archived one, on copies; the first that decrypts is
    /// made current. If no state decrypts, a duplicate counter on any of them is reported
    /// (the message was already read), otherwise the current state's reason. On a throw the
    /// record is unchanged.
    public mutating func decrypt(_ message: SignalMessage) throws(SignalError) -> Data {
        var firstError: SignalError?
        var duplicate: SignalError?
        if var state = current {
            do {
                let plaintext = try state.decrypt(message)
                current = state
                return plaintext
            } catch {
                if case .duplicateMessage = error { throw error }
                firstError = error
            }
        }
        for (position, archived) in previous.enumerated() {
            var state = archived
            do {
                let plaintext = try state.decrypt(message)
                previous.remove(at: position)
                setCurrent(state)
                return plaintext
            } catch {
                if case .duplicateMessage = error, duplicate == nil { duplicate = error }
            }
        }
        throw duplicate ?? firstError ?? .invalidMessage("session record has no state")
    }
}
