import Foundation
import ZapgateCrypto

/// The symmetric half of WhatsApp's Noise handshake: the running hash `h`, the chaining key
/// `ck`, and the handshake cipher key with its one counter shared by encryption and decryption.
///
/// It differs from the Noise specification in one respect: while no key has been mixed in,
/// ``encryptAndHash(_:)`` and ``decryptAndHash(_:)`` pass data through *without* hashing it.
/// (WhatsApp never processes the empty payload of the first message at all; standard Noise would
/// hash it, and then the two sides disagree about `h`.)
public struct NoiseSymmetricState: Sendable {
    /// `h`: the hash of everything the handshake has seen so far.
    public private(set) var handshakeHash: Data
    private var chainingKey: Data
    private var key: Data?
    private var counter: UInt32 = 0
    private var counterExhausted = false

    /// Starts from WhatsApp's protocol name and mixes in the prologue (the intro header).
    public init(prologue: Data = NoiseConstants.introHeader) {
        // The 32-byte name is `h` itself; a longer name would be hashed, per Noise.
        handshakeHash = NoiseConstants.protocolName
        chainingKey = handshakeHash
        mixHash(prologue)
    }

    /// Whether a key has been mixed in yet.
    public var hasKey: Bool { key != nil }

    /// `h = SHA-256(h ‖ data)`.
    public mutating func mixHash(_ data: Data) {
        handshakeHash = NoiseHash.sha256(handshakeHash, data)
    }

    /// Mixes input key material into the chaining key and derives a fresh cipher key; the
    /// shared counter restarts at 0.
    public mutating func mixKey(_ inputKeyMaterial: Data) {
        let (nextChainingKey, nextKey) = Self.expand(chainingKey: chainingKey, inputKeyMaterial)
        chainingKey = nextChainingKey
        key = nextKey
        counter = 0
        counterExhausted = false
    }

    /// Mixes in the X25519 agreement of `keyPair` with `publicKey`.
    public mutating func mixSharedSecret(
        _ keyPair: Curve25519KeyPair,
        _ publicKey: Data
    ) throws(NoiseHandshakeError) {
        let secret: Data
        do {
            secret = try keyPair.sharedSecret(with: publicKey)
        } catch {
            throw .keyAgreementFailed
        }
        mixKey(secret)
    }

    /// Encrypts with `h` as associated data, then hashes the ciphertext.
    public mutating func encryptAndHash(_ plaintext: Data) throws(NoiseHandshakeError) -> Data {
        guard let key else { return plaintext }
        let nonce = try nextNonce()
        let ciphertext: Data
        do {
            ciphertext = try AESGCM.seal(plaintext, key: key, nonce: nonce, authenticating: handshakeHash)
        } catch {
            throw .encryptionFailed
        }
        mixHash(ciphertext)
        return ciphertext
    }

    /// Decrypts with `h` as associated data, then hashes the ciphertext (not the plaintext).
    public mutating func decryptAndHash(_ ciphertext: Data) throws(NoiseHandshakeError) -> Data {
        guard let key else { return ciphertext }
        let nonce = try nextNonce()
        let plaintext: Data
        do {
            plaintext = try AESGCM.open(ciphertext, key: key, nonce: nonce, authenticating: handshakeHash)
        } catch {
            throw .decryptionFailed
        }
        mixHash(ciphertext)
        return plaintext
    }

    /// Derives the transport keys from the chaining key: the first 32 bytes encrypt what the
    /// initiator sends, the second what the responder sends.
    public func split() -> (initiatorToResponder: Data, responderToInitiator: Data) {
        Self.expand(chainingKey: chainingKey, Data())
    }

    private mutating func nextNonce() throws(NoiseHandshakeError) -> Data {
        guard !counterExhausted else { throw .counterExhausted }
        let nonce = NoiseNonce.make(counter)
        if counter == .max { counterExhausted = true } else { counter += 1 }
        return nonce
    }

    private static func expand(chainingKey: Data, _ inputKeyMaterial: Data) -> (Data, Data) {
        let output = HKDFSHA256.deriveKey(
            inputKeyMaterial: inputKeyMaterial,
            salt: chainingKey,
            info: Data(),
            outputByteCount: 64
        )
        return (Data(output.prefix(32)), Data(output.suffix(32)))
    }
}
