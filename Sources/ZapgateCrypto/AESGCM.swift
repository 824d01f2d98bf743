import Crypto
import Foundation

/// AES-256-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext, the layout
/// Noise frames and WhatsApp use.
public enum AESGCM {
    /// Encrypts and returns `ciphertext ‖ tag`.
    public static func seal(
        _ plaintext: Data,
        key: Data,
        nonce: Data,
        authenticating additionalData: Data = Data()
    ) throws(CryptoError) -> Data {
        let (symmetricKey, gcmNonce) = try parameters(key: key, nonce: nonce)
        do {
            let box = try AES.GCM.seal(
                plaintext, using: symmetricKey, nonce: gcmNonce, authenticating: additionalData)
            // Built fresh so the result indexes from zero; box.ciphertext is a slice.
            var sealed = Data(capacity: box.ciphertext.count + 16)
            sealed.append(contentsOf: box.ciphertext)
            sealed.append(contentsOf: box.tag)
            return sealed
        } catch {
            throw .invalidParameter("AES-GCM seal failed")
        }
    }

    /// Decrypts `ciphertext ‖ tag`; a wrong key, nonce, data or tag throws `.authenticationFailed`.
    public static func open(
        _ sealed: Data,
        key: Data,
        nonce: Data,
        authenticating additionalData: Data = Data()
    ) throws(CryptoError) -> Data {
        let (symmetricKey, gcmNonce) = try parameters(key: key, nonce: nonce)
        guard sealed.count >= 16 else { throw .authenticationFailed }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: gcmNonce,
                ciphertext: sealed.prefix(sealed.count - 16),
                tag: sealed.suffix(16)
            )
            return try AES.GCM.open(box, using: symmetricKey, authenticating: additionalData)
        } catch {
            throw .authenticationFailed
        }
    }

    private static func parameters(key: Data, nonce: Data) throws(CryptoError) -> (
        SymmetricKey, AES.GCM.Nonce
    ) {
        guard key.count == 32 else { throw .invalidKeyLength(expected: 32, actual: key.count) }
        guard nonce.count == 12, let gcmNonce = try? AES.GCM.Nonce(data: nonce) else {
            throw .invalidNonceLength(expected: 12, actual: nonce.count)
        }
        return (SymmetricKey(data: key), gcmNonce)
    }
}
