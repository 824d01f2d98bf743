/// Why media could not be encrypted, decrypted, uploaded or downloaded. Every check on a
/// downloaded blob has its own case, so a caller can tell a corrupted transfer from a wrong
/// key or a forged message; none of them ever yields bytes.
public enum MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The media key is not 32 bytes.
    case invalidMediaKey(length: Int)
    /// A SHA-256 field (named) is not 32 bytes.
    case invalidHash(field: String, length: Int)
    /// The body is shorter than one AES block plus the MAC, or not whole blocks plus the MAC.
    case truncated(length: Int)
    /// SHA-256 of the downloaded body is not the message's `fileEncSHA256`.
    case encryptedHashMismatch
    /// The 10-byte HMAC at the end of the body does not authenticate the ciphertext.
    case macMismatch
    /// The ciphertext authenticated but does not decrypt (bad padding).
    case undecryptable
    /// SHA-256 of the decrypted bytes is not the message's `fileSHA256`.
    case plaintextHashMismatch
    /// A message carries no direct path, or one not starting with `/`.
    case invalidDirectPath(String)
    /// The media connection answer names no host, or the URL cannot be built.
    case noMediaHost
    /// The media server answered with this HTTP status.
    case httpStatus(Int)
    /// The body is larger than the limit (bytes) allowed for it.
    case tooLarge(limit: Int)
    /// The upload answer is not the JSON the protocol describes.
    case invalidUploadResponse(String)
    /// The HTTP exchange failed before an answer (connection refused, timeout, TLS …).
    case transport(String)

    public var description: String {
        switch self {
        case .invalidMediaKey(let length): "media key is \(length) bytes, not 32"
        case .invalidHash(let field, let length): "\(field) is \(length) bytes, not 32"
        case .truncated(let length): "media body of \(length) bytes is truncated"
        case .encryptedHashMismatch: "the encrypted media does not match its fileEncSHA256"
        case .macMismatch: "the media MAC does not verify"
        case .undecryptable: "the media does not decrypt"
        case .plaintextHashMismatch: "the decrypted media does not match its fileSHA256"
        case .invalidDirectPath(let path): "invalid media direct path \"\(path)\""
        case .noMediaHost: "the media connection names no usable host"
        case .httpStatus(let status): "the media server answered HTTP \(status)"
        case .tooLarge(let limit): "media is larger than \(limit) bytes"
        case .invalidUploadResponse(let why): "invalid upload answer: \(why)"
        case .transport(let why): "media transfer failed: \(why)"
        }
    }
}
