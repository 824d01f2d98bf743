import Foundation

/// What a completed handshake leaves behind, on either side.
public struct NoiseHandshakeOutcome: Sendable {
    /// The transport ciphers for this side.
    public var transport: NoiseTransport
    /// The peer's long-term static key: the server's static key for the initiator, the
    /// client's noise key for the responder.
    public let remoteStaticKey: Data
    /// The final handshake hash `h`, identical on both sides.
    public let handshakeHash: Data
}
