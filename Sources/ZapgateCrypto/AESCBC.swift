import Crypto
import Foundation
import _CryptoExtras

/// AES-256-CBC with PKCS#7 padding, as Signal message bodies and WhatsApp media use it.
public enum AESCBC {
    /// Encrypts with PKCS#7 padding; the output is a whole number of 16-byte blocks.
    public static func encrypt(_ plaintext: Data, key: Data, iv: Data) throws(CryptoError) -> Data {
        let (symmetricKey, cbcIV) = try parameters(key: key, iv: iv)
        do {
            return try AES._CBC.encrypt(plaintext, using: symmetricKey, iv: cbcIV)
        } catch {
            throw .invalidParameter("AES-CBC encrypt failed")
        }
    }

    /// Decrypts and strips PKCS#7 padding; bad padding throws `.invalidPadding`.
    public static func decrypt(_ ciphertext: Data, key: Data, iv: Data) throws(CryptoError) -> Data {
        let (symmetricKey, cbcIV) = try parameters(key: key, iv: iv)
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw .invalidLength }
        let padded: Data
        do {
            padded = try AES._CBC.decrypt(ciphertext, using: symmetricKey, iv: cbcIV, noPadding: true)
        } catch {
            throw .invalidLength
        }
        // Checking the padding ourselves gives one typed error for every malformed tail.
        guard let last = padded.last, last >= 1, last <= 16,
            padded.suffix(Int(last)).allSatisfy({ $0 == last })
        else { throw .invalidPadding }
        return padded.prefix(padded.count - Int(last))
    }

    private static func parameters(key: Data, iv: Data) throws(CryptoError) -> (SymmetricKey, AES._CBC.IV) {
        guard key.count == 32 else { throw .invalidKeyLength(expected: 32, actual: key.count) }
        guard iv.count == 16, let cbcIV = try? AES._CBC.IV(ivBytes: iv) else {
            throw .invalidNonceLength(expected: 16, actual: iv.count)
        }
        return (SymmetricKey(data: key), cbcIV)
    }
}
