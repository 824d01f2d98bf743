/// Why a Noise handshake could not go on.
public enum NoiseHandshakeError: Error, Equatable, Sendable {
    /// A handshake message was not a `HandshakeMessage` protobuf; the text says what was wrong.
    case malformedMessage(String)
    /// The message was not the one expected at this point (for example a ClientFinish first).
    case unexpectedMessage(expected: String)
    /// A part the message must carry was absent.
    case missingField(String)
    /// The peer's ephemeral key was not 32 bytes.
    case invalidEphemeralKey(length: Int)
    /// The peer's decrypted static key was not 32 bytes.
    case invalidStaticKey(length: Int)
    /// X25519 with a peer key failed (a low-order point).
    case keyAgreementFailed
    /// A handshake ciphertext did not authenticate: a wrong key or tampered bytes.
    case decryptionFailed
    /// Sealing a handshake payload failed.
    case encryptionFailed
    /// The handshake counter would have wrapped around.
    case counterExhausted
    /// The server's certificate chain failed verification.
    case certificate(NoiseCertificateError)
    /// The ClientPayload in ClientFinish did not decode as a `ClientPayload` protobuf.
    case invalidClientPayload(String)
    /// A method was called out of order (for example twice).
    case invalidState(String)
}
