import Foundation
import ZapgateCrypto

/// API keys: random, shown once, stored only as a SHA-256 hash. A key has 256 bits of
/// randomness, so a fast hash is enough; a slow one would only slow every request.
enum KeyMaterial {
    /// A new key with a prefix naming its kind (`zga_` admin, `zgt_` tenant).
    static func generate(prefix: String) -> String {
        let random = SecureRandom.bytes(32).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + random
    }

    static func hash(_ key: String) -> Data {
        SHA256Digest.hash(Data(key.utf8))
    }

    /// What lists show of a key: enough to tell keys apart, far too little to use.
    static func displayPrefix(_ key: String) -> String {
        String(key.prefix(10))
    }
}
