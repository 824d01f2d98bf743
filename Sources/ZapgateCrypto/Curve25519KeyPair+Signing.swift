import Foundation

extension Curve25519KeyPair {
    /// An XEdDSA signature of `message` (64 bytes) with fresh randomness.
    public func sign(_ message: Data) throws(CryptoError) -> Data {
        try XEdDSA.sign(privateKey: privateKey, message: message)
    }

    /// Checks an XEdDSA signature made by this pair's private key.
    public func verify(_ signature: Data, for message: Data) -> Bool {
        XEdDSA.verify(publicKey: publicKey, message: message, signature: signature)
    }
}
