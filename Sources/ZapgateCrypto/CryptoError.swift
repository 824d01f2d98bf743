/// Why a cryptographic operation refused its input or failed to authenticate it.
public enum CryptoError: Error, Equatable, Sendable {
    /// A key had the wrong number of bytes.
    case invalidKeyLength(expected: Int, actual: Int)
    /// A nonce or IV had the wrong number of bytes.
    case invalidNonceLength(expected: Int, actual: Int)
    /// A public key is not a usable curve point (for example it yields an all-zero shared secret).
    case invalidPublicKey
    /// A signature was not 64 bytes, or did not verify.
    case invalidSignature
    /// An AEAD tag or MAC did not match: the data was altered or the key is wrong.
    case authenticationFailed
    /// CBC plaintext padding was not valid PKCS#7.
    case invalidPadding
    /// Input length the algorithm cannot take (for example CBC ciphertext not a multiple of 16).
    case invalidLength
    /// A parameter is outside what the algorithm allows (for example zero PBKDF2 iterations).
    case invalidParameter(String)
}
