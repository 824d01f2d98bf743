import Foundation
import ZapgateCrypto

/// The client side of WhatsApp's Noise XX handshake, as a state machine with no I/O:
///
/// 1. ``makeClientHello()`` → send in a frame (the first, after the intro header);
/// 2. ``readServerHello(_:)`` with the reply → the server's verified static key and chain;
/// 3. ``makeClientFinish(payload:)`` with a serialized `ClientPayload` → send; the transport
///    ciphers are ready (the client does not wait for an answer).
///
/// Create one per connection: each gets a fresh ephemeral key.
public struct NoiseInitiator: Sendable {
    /// What the initiator learned from ServerHello.
    public struct ServerHello: Sendable, Equatable {
        /// The server's static key (decrypted, and certified by the chain).
        public let staticKey: Data
        /// The verified certificate chain's details.
        public let certificates: NoiseCertificateVerifier.VerifiedChain
    }

    private enum Stage: Sendable {
        case start
        case sentHello
        case readHello(serverEphemeral: Data, serverStatic: Data)
        case finished
    }

    private var state: NoiseSymmetricState
    private var stage: Stage = .start
    private let noiseKey: Curve25519KeyPair
    private let ephemeralKey: Curve25519KeyPair
    private let verifier: NoiseCertificateVerifier

    /// An initiator authenticating with the long-term `noiseKey` and checking the server's chain
    /// with `verifier`. The ephemeral key is fresh unless a test supplies one.
    public init(
        noiseKey: Curve25519KeyPair,
        verifier: NoiseCertificateVerifier = NoiseCertificateVerifier(),
        ephemeralKey: Curve25519KeyPair = .generate()
    ) {
        self.noiseKey = noiseKey
        self.ephemeralKey = ephemeralKey
        self.verifier = verifier
        self.state = NoiseSymmetricState()
    }

    /// The serialized `HandshakeMessage{clientHello}` carrying the ephemeral key.
    public mutating func makeClientHello() throws(NoiseHandshakeError) -> Data {
        guard case .start = stage else { throw .invalidState("ClientHello was already made") }
        state.mixHash(ephemeralKey.publicKey)
        stage = .sentHello
        return NoiseHandshakeMessage.clientHello(ephemeral: ephemeralKey.publicKey)
    }

    /// Processes the server's `HandshakeMessage{serverHello}`: mixes in its keys, decrypts its
    /// static key and certificate chain, and verifies the chain.
    public mutating func readServerHello(_ bytes: Data) throws(NoiseHandshakeError) -> ServerHello {
        guard case .sentHello = stage else { throw .invalidState("ServerHello is not expected now") }
        let message = try NoiseHandshakeMessage.decode(bytes)
        guard message.hasServerHello else { throw .unexpectedMessage(expected: "serverHello") }
        let hello = message.serverHello
        guard hello.hasEphemeral else { throw .missingField("serverHello.ephemeral") }
        guard hello.hasStatic else { throw .missingField("serverHello.static") }
        guard hello.hasPayload else { throw .missingField("serverHello.payload") }
        guard hello.ephemeral.count == 32 else {
            throw .invalidEphemeralKey(length: hello.ephemeral.count)
        }

        state.mixHash(hello.ephemeral)
        try state.mixSharedSecret(ephemeralKey, hello.ephemeral)
        let serverStatic = try state.decryptAndHash(hello.static)
        guard serverStatic.count == 32 else { throw .invalidStaticKey(length: serverStatic.count) }
        try state.mixSharedSecret(ephemeralKey, serverStatic)
        let chain = try state.decryptAndHash(hello.payload)
        let certificates: NoiseCertificateVerifier.VerifiedChain
        do {
            certificates = try verifier.verify(chain, serverStaticKey: serverStatic)
        } catch {
            throw .certificate(error)
        }
        stage = .readHello(serverEphemeral: hello.ephemeral, serverStatic: serverStatic)
        return ServerHello(staticKey: serverStatic, certificates: certificates)
    }

    /// The serialized `HandshakeMessage{clientFinish}` carrying the encrypted noise key and the
    /// encrypted `payload` (a serialized `ClientPayload`), and the transport ciphers.
    public mutating func makeClientFinish(
        payload: Data
    ) throws(NoiseHandshakeError) -> (message: Data, outcome: NoiseHandshakeOutcome) {
        guard case .readHello(let serverEphemeral, let serverStatic) = stage else {
            throw .invalidState("ClientFinish needs a ServerHello first")
        }
        let encryptedStatic = try state.encryptAndHash(noiseKey.publicKey)
        try state.mixSharedSecret(noiseKey, serverEphemeral)
        let encryptedPayload = try state.encryptAndHash(payload)
        let keys = state.split()
        stage = .finished
        let transport: NoiseTransport
        do {
            transport = try NoiseTransport(
                sendingKey: keys.initiatorToResponder,
                receivingKey: keys.responderToInitiator
            )
        } catch {
            throw .invalidState("split produced unusable keys")
        }
        let message = NoiseHandshakeMessage.clientFinish(
            encryptedStatic: encryptedStatic,
            encryptedPayload: encryptedPayload
        )
        let outcome = NoiseHandshakeOutcome(
            transport: transport,
            remoteStaticKey: serverStatic,
            handshakeHash: state.handshakeHash
        )
        return (message, outcome)
    }
}
