import Crypto
import Foundation

/// SHA-256 for MixHash. ZapgateCrypto has no plain digest yet, so this borrows swift-crypto,
/// which ZapgateCrypto already links; one place to switch once it does.
enum NoiseHash {
    static func sha256(_ first: Data, _ second: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: first)
        hasher.update(data: second)
        return Data(hasher.finalize())
    }
}
