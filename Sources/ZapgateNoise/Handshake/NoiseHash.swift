import Foundation
import ZapgateCrypto

/// SHA-256 for MixHash: h = SHA-256(h ‖ data).
enum NoiseHash {
    static func sha256(_ first: Data, _ second: Data) -> Data {
        SHA256Digest.hash(first, second)
    }
}
