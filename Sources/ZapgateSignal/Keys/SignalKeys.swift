import Foundation
import ZapgateCrypto

/// Generates the long-lived material a device registers with: identity key pair, registration
/// id, one-time prekeys and signed prekeys.
public enum SignalKeys {
    /// Prekey ids are 24-bit; after the largest id they wrap round to 1.
    public static let maximumPreKeyID: UInt32 = 0xFF_FFFF

    /// A new identity key pair (Curve25519; it both agrees and signs).
    public static func generateIdentityKeyPair() -> Curve25519KeyPair {
        Curve25519KeyPair.generate()
    }

    /// A registration id in 1…16380, the range libsignal draws from (14 bits, never zero).
    public static func generateRegistrationID() -> UInt32 {
        UInt32.random(in: 1...16380)
    }

    /// `count` one-time prekeys with consecutive ids from `start`, wrapping within 1…2²⁴−1.
    public static func generatePreKeys(start: UInt32, count: Int) -> [PreKeyRecord] {
        (0..<max(count, 0)).map { offset in
            let id = (start &- 1 &+ UInt32(truncatingIfNeeded: offset)) % maximumPreKeyID + 1
            return PreKeyRecord(id: id, keyPair: .generate())
        }
    }

    /// A signed prekey: a fresh key pair whose `0x05`-prefixed public key the identity signs.
    public static func generateSignedPreKey(identity: Curve25519KeyPair, id: UInt32) throws(SignalError)
        -> SignedPreKeyRecord
    {
        let keyPair = Curve25519KeyPair.generate()
        do {
            let signature = try identity.sign(SignalPublicKey.serialize(keyPair.publicKey))
            return SignedPreKeyRecord(id: id, keyPair: keyPair, signature: signature)
        } catch {
            throw .invalidKey("identity key cannot sign: \(error)")
        }
    }

    /// Checks a signed prekey signature the libsignal way (sign bit taken from the signature).
    public static func verifySignedPreKey(publicKey: Data, signature: Data, identityKey: Data) -> Bool {
        XEdDSA.verify(
            publicKey: identityKey, message: SignalPublicKey.serialize(publicKey), signature: signature)
    }
}
