import Crypto
import Foundation

/// HMAC with SHA-256 (RFC 2104).
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticationCode(for message: Data, key: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Compares a received code with the expected one in constant time; `truncatedTo` checks only
    /// the first bytes, as Signal's 8-byte message MAC does.
    public static func isValid(_ code: Data, for message: Data, key: Data, truncatedTo length: Int = 32)
        -> Bool
    {
        guard length > 0, length <= 32, code.count == length else { return false }
        return ConstantTime.equal(authenticationCode(for: message, key: key).prefix(length), code)
    }
}
