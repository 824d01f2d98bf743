import Crypto
import Foundation
import _CryptoExtras

/// PBKDF2 with HMAC-SHA-256 (RFC 8018).
///
/// WhatsApp's pairing-code flow derives a key with it at a fixed 2^17 rounds, below
/// swift-crypto's checked minimum, so the unchecked entry point is used with our own bound.
public enum PBKDF2SHA256 {
    /// Derives `outputByteCount` bytes; `iterations` must be positive.
    public static func deriveKey(
        password: Data,
        salt: Data,
        iterations: Int,
        outputByteCount: Int
    ) throws(CryptoError) -> Data {
        guard iterations > 0 else { throw .invalidParameter("PBKDF2 iterations must be positive") }
        guard outputByteCount > 0 else { throw .invalidParameter("PBKDF2 output length must be positive") }
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: password,
                salt: salt,
                using: .sha256,
                outputByteCount: outputByteCount,
                unsafeUncheckedRounds: iterations
            )
            return key.withUnsafeBytes { Data($0) }
        } catch {
            throw .invalidParameter("PBKDF2 failed")
        }
    }
}
