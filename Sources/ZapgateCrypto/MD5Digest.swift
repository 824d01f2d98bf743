import Crypto
import Foundation

/// MD5, for the one place the protocol asks for it: the build hash a new device registers with
/// (a fingerprint of the version string, not a security measure).
public enum MD5Digest {
    public static func hash(_ data: Data) -> Data {
        Data(Insecure.MD5.hash(data: data))
    }
}
