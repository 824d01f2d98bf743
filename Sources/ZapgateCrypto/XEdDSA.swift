import CSodium
import Crypto
import Foundation

/// XEdDSA signatures over Curve25519 (Montgomery) keys, as libsignal and WhatsApp use them.
///
/// Signing follows the XEdDSA specification: the Edwards public key is forced to a zero sign
/// bit by negating the private scalar when needed. Verifying follows libsignal, which is more
/// permissive: older signers keep the Edwards sign bit and store it in the top bit of the
/// signature's last byte, so verification takes the sign bit from `signature[63]`. A signature
/// made the specification's way has that bit clear, so both kinds verify.
///
/// The Edwards group operations come from libsodium; no field arithmetic is written here
/// except the one inversion that maps a Montgomery u to an Edwards y (see
/// ``MontgomeryPoint``).
public enum XEdDSA {
    /// Signs `message` with a 32-byte Curve25519 private key, using 64 random bytes.
    public static func sign(privateKey: Data, message: Data) throws(CryptoError) -> Data {
        var random = [UInt8](repeating: 0, count: 64)
        var generator = SystemRandomNumberGenerator()
        for index in random.indices { random[index] = generator.next() }
        return try sign(privateKey: privateKey, message: message, random: Data(random))
    }

    /// Signs with caller-supplied randomness; deterministic for tests and vectors.
    public static func sign(privateKey: Data, message: Data, random: Data) throws(CryptoError) -> Data {
        guard privateKey.count == 32 else {
            throw .invalidKeyLength(expected: 32, actual: privateKey.count)
        }
        guard random.count == 64 else { throw .invalidParameter("XEdDSA randomness must be 64 bytes") }
        guard Sodium.ready else { throw .invalidParameter("libsodium failed to initialise") }

        // a = k mod q, with k clamped as X25519 clamps it.
        let k = [UInt8](Curve25519KeyPair.clamp(privateKey))
        var a = Sodium.reduce(k + [UInt8](repeating: 0, count: 32))
        var edPublic = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&edPublic, a) == 0 else { throw .invalidPublicKey }
        if edPublic[31] & 0x80 != 0 {
            // Negating the scalar negates the point; -P has the same y and the opposite sign.
            var negated = [UInt8](repeating: 0, count: 32)
            crypto_core_ed25519_scalar_negate(&negated, a)
            a = negated
            edPublic[31] &= 0x7F
        }

        // r = hash1(a ‖ M ‖ Z) mod q, where hash1 prefixes 2^256 − 2 in little-endian.
        var prefix = [UInt8](repeating: 0xFF, count: 32)
        prefix[0] = 0xFE
        let nonceHash = SHA512.hash(data: prefix + a + [UInt8](message) + [UInt8](random))
        let r = Sodium.reduce([UInt8](nonceHash))
        var bigR = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_ed25519_base_noclamp(&bigR, r) == 0 else { throw .invalidParameter("r") }

        let challenge = SHA512.hash(data: bigR + edPublic + [UInt8](message))
        let h = Sodium.reduce([UInt8](challenge))
        var ha = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&ha, h, a)
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_add(&s, r, ha)
        return Data(bigR + s)
    }

    /// Verifies a 64-byte signature against a 32-byte Curve25519 public key, the libsignal way.
    public static func verify(publicKey: Data, message: Data, signature: Data) -> Bool {
        guard publicKey.count == 32, signature.count == 64, Sodium.ready else { return false }
        var sig = [UInt8](signature)
        let signBit = sig[63] & 0x80
        sig[63] &= 0x7F
        guard var edPublic = MontgomeryPoint.edwardsY(fromU: [UInt8](publicKey)) else { return false }
        edPublic[31] |= signBit
        let bytes = [UInt8](message)
        return crypto_sign_ed25519_verify_detached(sig, bytes, UInt64(bytes.count), edPublic) == 0
    }
}

/// The few libsodium calls XEdDSA needs, behind Swift-friendly signatures.
enum Sodium {
    /// `sodium_init` runs once, on first use; Swift initialises static lets exactly once.
    static let ready: Bool = sodium_init() >= 0

    /// Reduces a 64-byte little-endian integer modulo the group order q.
    static func reduce(_ wide: [UInt8]) -> [UInt8] {
        precondition(wide.count == 64, "scalar_reduce takes 64 bytes")
        var out = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&out, wide)
        return out
    }
}
