import Crypto
import Foundation
import _CryptoExtras

/// AES-256-CTR with a full 16-byte initial counter block; encryption and decryption are the
/// same operation.
public enum AESCTR {
    /// XORs `data` with the key stream that starts at counter block `iv`.
    public static func apply(_ data: Data, key: Data, iv: Data) throws(CryptoError) -> Data {
        guard key.count == 32 else { throw .invalidKeyLength(expected: 32, actual: key.count) }
        guard iv.count == 16, let nonce = try? AES._CTR.Nonce(nonceBytes: iv) else {
            throw .invalidNonceLength(expected: 16, actual: iv.count)
        }
        do {
            return try AES._CTR.encrypt(data, using: SymmetricKey(data: key), nonce: nonce)
        } catch {
            throw .invalidParameter("AES-CTR failed")
        }
    }
}
