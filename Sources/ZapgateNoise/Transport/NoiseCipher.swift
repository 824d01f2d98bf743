import Foundation
import ZapgateCrypto

/// One direction of the transport phase: AES-256-GCM under a key from `Split`, no associated
/// data, and a counter of its own that starts at 0 and goes up by one per frame.
///
/// The counter never wraps: once 2^32 frames have used it, further frames are refused.
public struct NoiseCipher: Sendable {
    private let key: Data
    private var next: UInt64

    /// A cipher for `key` (32 bytes) whose next frame uses `counter`.
    public init(key: Data, counter: UInt32 = 0) throws(NoiseTransportError) {
        guard key.count == 32 else { throw .invalidKey(length: key.count) }
        self.key = key
        self.next = UInt64(counter)
    }

    /// The counter the next frame will use, or nil once every counter is spent.
    public var counter: UInt32? {
        next <= UInt64(UInt32.max) ? UInt32(next) : nil
    }

    /// Encrypts one frame's plaintext; returns `ciphertext ‖ tag`.
    public mutating func seal(_ plaintext: Data) throws(NoiseTransportError) -> Data {
        let nonce = try reserveNonce()
        do {
            return try AESGCM.seal(plaintext, key: key, nonce: nonce, authenticating: Data())
        } catch {
            throw .encryptionFailed
        }
    }

    /// Decrypts one frame. A frame that fails to authenticate still uses up its counter, as in
    /// whatsmeow, so the peer's next frame is not read with a stale nonce.
    public mutating func open(_ ciphertext: Data) throws(NoiseTransportError) -> Data {
        let counter = next
        let nonce = try reserveNonce()
        do {
            return try AESGCM.open(ciphertext, key: key, nonce: nonce, authenticating: Data())
        } catch {
            throw .authenticationFailed(counter: UInt32(truncatingIfNeeded: counter))
        }
    }

    private mutating func reserveNonce() throws(NoiseTransportError) -> Data {
        guard next <= UInt64(UInt32.max) else { throw .counterExhausted }
        let nonce = NoiseNonce.make(UInt32(next))
        next += 1
        return nonce
    }
}
