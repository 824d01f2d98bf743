import Foundation
import ZapgateProto

/// What the handshake established about the peer of a ``NoiseConnection``.
public struct NoiseSessionInfo: Sendable {
    /// The peer's static key: the server's certified key on the client, the client's noise key
    /// on the server.
    public let remoteStaticKey: Data
    /// The final handshake hash, identical on both sides.
    public let handshakeHash: Data
    /// Server side: the decrypted `ClientPayload` bytes exactly as received.
    public let clientPayloadBytes: Data?
    /// Server side: the decoded `ClientPayload`.
    public let clientPayload: WAClientPayload?
    /// Server side: the edge-routing info the client sent before its intro header, if any.
    public let routingInfo: Data?
    /// Server side: the Origin header of the WebSocket upgrade request, if any.
    public let origin: String?
    /// Client side: the server's verified certificate chain.
    public let serverCertificates: NoiseCertificateVerifier.VerifiedChain?
}
