import Foundation

/// One encrypted media blob and the fields a message carries to let a recipient fetch it.
public struct EncryptedMedia: Sendable, Equatable {
    /// What is uploaded: the AES-CBC ciphertext followed by the first 10 bytes of its HMAC.
    public let body: Data
    /// The random 32-byte key the blob's keys are derived from.
    public let mediaKey: Data
    /// SHA-256 of the plaintext.
    public let fileSHA256: Data
    /// SHA-256 of ``body``; base64url of it is the upload token.
    public let fileEncSHA256: Data
    /// Length of the plaintext in bytes.
    public let fileLength: UInt64

    public init(body: Data, mediaKey: Data, fileSHA256: Data, fileEncSHA256: Data, fileLength: UInt64) {
        self.body = body
        self.mediaKey = mediaKey
        self.fileSHA256 = fileSHA256
        self.fileEncSHA256 = fileEncSHA256
        self.fileLength = fileLength
    }
}
