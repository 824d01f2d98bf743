/// Why a Noise connection failed or refused an operation.
public enum NoiseConnectionError: Error, Equatable, Sendable {
    /// The handshake failed; the wrapped error says which step.
    case handshake(NoiseHandshakeError)
    /// The peer's bytes could not be cut into frames, or a frame was too large to send.
    case framing(NoiseFramingError)
    /// A transport frame did not authenticate, or a counter ran out.
    case transport(NoiseTransportError)
    /// The peer did not complete the handshake in time.
    case handshakeTimedOut
    /// The WebSocket closed before the handshake completed.
    case closedDuringHandshake
    /// The connection is closed; nothing more can be sent.
    case closed
    /// The client configuration cannot be used; the text says why.
    case invalidConfiguration(String)
    /// The WebSocket itself failed (connecting, upgrading, writing); carries the description.
    case webSocket(String)
}
