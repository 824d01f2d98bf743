import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

/// The server side of WhatsApp's Noise XX handshake, as a state machine with no I/O:
///
/// 1. ``readClientHello(_:)`` with the first frame → the ServerHello to send back (ephemeral,
///    encrypted static key, encrypted certificate chain);
/// 2. ``readClientFinish(_:)`` with the next frame → the client's noise key, its decoded
///    `ClientPayload`, and the transport ciphers.
///
/// Create one per connection: each gets a fresh ephemeral key.
public struct NoiseResponder: Sendable {
    /// What ClientFinish told the responder.
    public struct ClientFinish: Sendable {
        /// Transport ciphers, the client's static (noise) key and the handshake hash.
        public var outcome: NoiseHandshakeOutcome
        /// The decrypted `ClientPayload` bytes, exactly as the client serialized them.
        public let payload: Data
        /// The same payload, decoded.
        public let clientPayload: WAClientPayload
    }

    private enum Stage: Sendable {
        case start
        case sentHello(clientEphemeral: Data)
        case finished
    }

    private var state: NoiseSymmetricState
    private var stage: Stage = .start
    private let identity: NoiseServerIdentity
    private let ephemeralKey: Curve25519KeyPair

    /// A responder presenting `identity`. The ephemeral key is fresh unless a test supplies one.
    public init(identity: NoiseServerIdentity, ephemeralKey: Curve25519KeyPair = .generate()) {
        self.identity = identity
        self.ephemeralKey = ephemeralKey
        self.state = NoiseSymmetricState()
    }

    /// Processes `HandshakeMessage{clientHello}` and returns the serialized
    /// `HandshakeMessage{serverHello}` reply.
    public mutating func readClientHello(_ bytes: Data) throws(NoiseHandshakeError) -> Data {
        guard case .start = stage else { throw .invalidState("ClientHello is not expected now") }
        let message = try NoiseHandshakeMessage.decode(bytes)
        guard message.hasClientHello else { throw .unexpectedMessage(expected: "clientHello") }
        guard message.clientHello.hasEphemeral else { throw .missingField("clientHello.ephemeral") }
        let clientEphemeral = message.clientHello.ephemeral
        guard clientEphemeral.count == 32 else {
            throw .invalidEphemeralKey(length: clientEphemeral.count)
        }

        state.mixHash(clientEphemeral)
        state.mixHash(ephemeralKey.publicKey)
        try state.mixSharedSecret(ephemeralKey, clientEphemeral)
        let encryptedStatic = try state.encryptAndHash(identity.staticKey.publicKey)
        try state.mixSharedSecret(identity.staticKey, clientEphemeral)
        let encryptedChain = try state.encryptAndHash(identity.certificateChain.serializedData())
        stage = .sentHello(clientEphemeral: clientEphemeral)
        return NoiseHandshakeMessage.serverHello(
            ephemeral: ephemeralKey.publicKey,
            encryptedStatic: encryptedStatic,
            encryptedPayload: encryptedChain
        )
    }

    /// Processes `HandshakeMessage{clientFinish}`: decrypts the client's noise key and its
    /// `ClientPayload`, which must decode, and derives the transport ciphers.
    public mutating func readClientFinish(_ bytes: Data) throws(NoiseHandshakeError) -> ClientFinish {
        guard case .sentHello = stage else { throw .invalidState("ClientFinish is not expected now") }
        let message = try NoiseHandshakeMessage.decode(bytes)
        guard message.hasClientFinish else { throw .unexpectedMessage(expected: "clientFinish") }
        let finish = message.clientFinish
        guard finish.hasStatic else { throw .missingField("clientFinish.static") }
        guard finish.hasPayload else { throw .missingField("clientFinish.payload") }

        let clientStatic = try state.decryptAndHash(finish.static)
        guard clientStatic.count == 32 else { throw .invalidStaticKey(length: clientStatic.count) }
        try state.mixSharedSecret(ephemeralKey, clientStatic)
        let payload = try state.decryptAndHash(finish.payload)
        let clientPayload: WAClientPayload
        do {
            clientPayload = try WAClientPayload(serializedBytes: payload)
        } catch {
            throw .invalidClientPayload("\(error)")
        }
        let keys = state.split()
        stage = .finished
        let transport: NoiseTransport
        do {
            transport = try NoiseTransport(
                sendingKey: keys.responderToInitiator,
                receivingKey: keys.initiatorToResponder
            )
        } catch {
            throw .invalidState("split produced unusable keys")
        }
        let outcome = NoiseHandshakeOutcome(
            transport: transport,
            remoteStaticKey: clientStatic,
            handshakeHash: state.handshakeHash
        )
        return ClientFinish(outcome: outcome, payload: payload, clientPayload: clientPayload)
    }
}
