import Crypto
import Foundation

/// A Curve25519 key pair in the Montgomery form WhatsApp and libsignal use for both
/// X25519 agreement and XEdDSA signatures.
///
/// The private key is stored clamped, so the bytes held here are exactly the scalar used by
/// both X25519 and XEdDSA.
public struct Curve25519KeyPair: Sendable, Equatable {
    /// The clamped private scalar, 32 bytes little-endian.
    public let privateKey: Data
    /// The Montgomery u-coordinate of the public point, 32 bytes.
    public let publicKey: Data

    /// A new random key pair.
    public static func generate() -> Curve25519KeyPair {
        let raw = Curve25519.KeyAgreement.PrivateKey().rawRepresentation
        // A freshly generated 32-byte key is always valid once clamped.
        return (try? Curve25519KeyPair(privateKey: raw)) ?? generate()
    }

    /// Rebuilds a key pair from a stored private key, clamping it as X25519 does.
    public init(privateKey: Data) throws(CryptoError) {
        guard privateKey.count == 32 else {
            throw .invalidKeyLength(expected: 32, actual: privateKey.count)
        }
        let clamped = Self.clamp(privateKey)
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: clamped) else {
            throw .invalidKeyLength(expected: 32, actual: privateKey.count)
        }
        self.privateKey = clamped
        self.publicKey = key.publicKey.rawRepresentation
    }

    /// X25519 agreement with a peer's 32-byte public key.
    public func sharedSecret(with peerPublicKey: Data) throws(CryptoError) -> Data {
        guard peerPublicKey.count == 32 else {
            throw .invalidKeyLength(expected: 32, actual: peerPublicKey.count)
        }
        do {
            let ours = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
            let theirs = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerPublicKey)
            let secret = try ours.sharedSecretFromKeyAgreement(with: theirs)
            let bytes = secret.withUnsafeBytes { Data($0) }
            // A low-order peer point gives an all-zero secret that any attacker can predict
            // (RFC 7748 §6.1); swift-crypto does not refuse it, so we do.
            guard bytes.reduce(0, { $0 | $1 }) != 0 else { throw CryptoError.invalidPublicKey }
            return bytes
        } catch {
            throw .invalidPublicKey
        }
    }

    /// RFC 7748 clamping: clear the low three bits and the top bit, set bit 254.
    static func clamp(_ key: Data) -> Data {
        var bytes = [UInt8](key)
        bytes[0] &= 248
        bytes[31] &= 127
        bytes[31] |= 64
        return Data(bytes)
    }
}
