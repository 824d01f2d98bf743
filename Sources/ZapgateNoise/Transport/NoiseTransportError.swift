/// Why a transport frame could not be sealed or opened.
public enum NoiseTransportError: Error, Equatable, Sendable {
    /// The frame read with this counter did not authenticate: tampered, truncated, or out of
    /// step with the sender.
    case authenticationFailed(counter: UInt32)
    /// All 2^32 counters of this direction are used; the connection must be replaced.
    case counterExhausted
    /// A transport key was not 32 bytes.
    case invalidKey(length: Int)
    /// Sealing failed.
    case encryptionFailed
}
