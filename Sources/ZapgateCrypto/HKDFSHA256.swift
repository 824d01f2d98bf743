import Crypto
import Foundation

/// HKDF with SHA-256 (RFC 5869), as Noise, Signal and WhatsApp media keys use it.
public enum HKDFSHA256 {
    /// Extract-then-expand to `outputByteCount` bytes (at most 255 × 32).
    public static func deriveKey(
        inputKeyMaterial: Data,
        salt: Data,
        info: Data,
        outputByteCount: Int
    ) -> Data {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: inputKeyMaterial),
            salt: salt,
            info: info,
            outputByteCount: outputByteCount
        )
        return key.withUnsafeBytes { Data($0) }
    }
}
