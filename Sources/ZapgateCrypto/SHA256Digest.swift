import Crypto
import Foundation

/// SHA-256 digests, for the layers above that hash (Noise's MixHash, media checksums) without
/// depending on swift-crypto themselves.
public enum SHA256Digest {
    /// The 32-byte digest of the concatenation of `parts`, without building the concatenation.
    public static func hash(_ parts: Data...) -> Data {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return Data(hasher.finalize())
    }
}
