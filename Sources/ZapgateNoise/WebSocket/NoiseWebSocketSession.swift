import Foundation
import HummingbirdWebSocket
import Logging
import Synchronization

/// Runs one Noise session over an open WebSocket, in either role: the handshake (with a
/// deadline), then the transport phase, during which the caller's `body` uses the connection.
enum NoiseWebSocketSession {
    /// Timing and size limits shared by client and server.
    struct Limits: Sendable {
        var handshakeTimeout: Duration
        var closeTimeout: Duration
        var maximumFrameLength: Int
    }

    /// Which side of the handshake this end plays, with what it needs for it.
    enum Role: Sendable {
        case initiator(NoiseInitiator, clientPayload: Data, introHeader: NoiseIntroHeader)
        case responder(NoiseResponder, origin: String?)
    }

    /// Performs the handshake, hands the connection to `body`, and closes it cleanly when `body`
    /// returns. Errors are ``NoiseConnectionError``s, or whatever `body` throws.
    static func run<Result: Sendable>(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        role: Role,
        limits: Limits,
        logger: Logger,
        body: @Sendable (NoiseConnection) async throws -> Result
    ) async throws -> Result {
        let isInitiator: Bool
        let encoder: NoiseFrameEncoder
        switch role {
        case .initiator(_, _, let introHeader):
            isInitiator = true
            do {
                encoder = try NoiseFrameEncoder(introHeader: introHeader)
            } catch {
                throw NoiseConnectionError.framing(error)
            }
        case .responder:
            isInitiator = false
            encoder = NoiseFrameEncoder()
        }
        let decoder = NoiseFrameDecoder(
            expectingIntroHeader: !isInitiator,
            maximumFrameLength: limits.maximumFrameLength
        )
        let writer = NoiseFrameWriter(outbound: outbound, encoder: encoder)
        let (frames, frameSink) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
        let (handshakes, handshakeSink) = AsyncStream.makeStream(
            of: Swift.Result<NoiseSessionInfo, NoiseConnectionError>.self
        )

        return try await withThrowingTaskGroup(of: Void.self) { group in
            // One task owns the inbound side for the whole session: it reads the handshake,
            // reports how it went, then decrypts frames until the WebSocket closes.
            group.addTask {
                var reader = NoiseFrameReader(inbound: inbound, decoder: decoder)
                let established: Established
                do throws(NoiseConnectionError) {
                    established = try await withDeadline(limits.handshakeTimeout, writer: writer) {
                        () async throws(NoiseConnectionError) -> Established in
                        try await handshake(role: role, reader: &reader, writer: writer)
                    }
                } catch {
                    handshakeSink.yield(.failure(error))
                    handshakeSink.finish()
                    frameSink.finish(throwing: error)
                    return
                }
                handshakeSink.yield(.success(established.session))
                handshakeSink.finish()
                logger.debug("Noise handshake complete", metadata: ["initiator": "\(isInitiator)"])
                await pump(
                    reader: &reader,
                    receiver: established.receiver,
                    into: frameSink,
                    writer: writer,
                    logger: logger
                )
            }

            var outcomes = handshakes.makeAsyncIterator()
            guard let outcome = await outcomes.next() else {
                throw NoiseConnectionError.closedDuringHandshake
            }
            let session: NoiseSessionInfo
            switch outcome {
            case .success(let established): session = established
            case .failure(let error): throw error
            }
            let connection = NoiseConnection(session: session, frames: frames, writer: writer)
            do {
                let result = try await body(connection)
                await finish(connection, group: &group, closeTimeout: limits.closeTimeout)
                return result
            } catch {
                await finish(connection, group: &group, closeTimeout: limits.closeTimeout)
                throw error
            }
        }
    }

    private struct Established: Sendable {
        var session: NoiseSessionInfo
        var receiver: NoiseCipher
    }

    private static func handshake(
        role: Role,
        reader: inout NoiseFrameReader,
        writer: NoiseFrameWriter
    ) async throws(NoiseConnectionError) -> Established {
        switch role {
        case .initiator(var initiator, let clientPayload, _):
            do {
                try await writer.send(try initiator.makeClientHello())
                guard let reply = try await reader.next() else {
                    throw NoiseConnectionError.closedDuringHandshake
                }
                let server = try initiator.readServerHello(reply)
                let (finish, outcome) = try initiator.makeClientFinish(payload: clientPayload)
                try await writer.send(finish)
                await writer.startTransport(outcome.transport.sender)
                let session = NoiseSessionInfo(
                    remoteStaticKey: outcome.remoteStaticKey,
                    handshakeHash: outcome.handshakeHash,
                    clientPayloadBytes: nil,
                    clientPayload: nil,
                    routingInfo: nil,
                    origin: nil,
                    serverCertificates: server.certificates
                )
                return Established(session: session, receiver: outcome.transport.receiver)
            } catch {
                throw wrap(error)
            }
        case .responder(var responder, let origin):
            do {
                guard let hello = try await reader.next() else {
                    throw NoiseConnectionError.closedDuringHandshake
                }
                try await writer.send(try responder.readClientHello(hello))
                guard let finish = try await reader.next() else {
                    throw NoiseConnectionError.closedDuringHandshake
                }
                let client = try responder.readClientFinish(finish)
                await writer.startTransport(client.outcome.transport.sender)
                let session = NoiseSessionInfo(
                    remoteStaticKey: client.outcome.remoteStaticKey,
                    handshakeHash: client.outcome.handshakeHash,
                    clientPayloadBytes: client.payload,
                    clientPayload: client.clientPayload,
                    routingInfo: reader.decoder.introHeader?.routingInfo,
                    origin: origin,
                    serverCertificates: nil
                )
                return Established(session: session, receiver: client.outcome.transport.receiver)
            } catch {
                throw wrap(error)
            }
        }
    }

    private static func wrap(_ error: any Error) -> NoiseConnectionError {
        switch error {
        case let error as NoiseConnectionError: error
        case let error as NoiseHandshakeError: .handshake(error)
        case let error as NoiseFramingError: .framing(error)
        case let error as NoiseTransportError: .transport(error)
        default: .webSocket("\(error)")
        }
    }

    /// Runs `operation`; if it has not finished after `timeout`, closes the WebSocket (which
    /// ends any read the operation is waiting in) and reports a timeout.
    private static func withDeadline<Value: Sendable>(
        _ timeout: Duration,
        writer: NoiseFrameWriter,
        operation: () async throws(NoiseConnectionError) -> Value
    ) async throws(NoiseConnectionError) -> Value {
        let deadline = Deadline()
        let outcome: Swift.Result<Value, NoiseConnectionError> = await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return
                }
                // Only a timer that wins the race against the handshake may close the socket.
                guard deadline.expire() else { return }
                await writer.close(reason: "handshake timed out", protocolError: true)
            }
            let result: Swift.Result<Value, NoiseConnectionError>
            do throws(NoiseConnectionError) {
                result = .success(try await operation())
            } catch {
                result = .failure(error)
            }
            // Whichever of handshake and timer settles the deadline first decides the outcome;
            // the claim is made before the group waits for the timer to stop.
            let inTime = deadline.finish()
            group.cancelAll()
            return inTime ? result : .failure(.handshakeTimedOut)
        }
        switch outcome {
        case .success(let value):
            return value
        case .failure(.handshakeTimedOut):
            throw .handshakeTimedOut
        case .failure(let error):
            await writer.close(reason: "handshake failed", protocolError: true)
            throw error
        }
    }

    /// Reads, decrypts and delivers frames until the WebSocket closes or a frame is bad.
    private static func pump(
        reader: inout NoiseFrameReader,
        receiver: NoiseCipher,
        into continuation: AsyncThrowingStream<Data, any Error>.Continuation,
        writer: NoiseFrameWriter,
        logger: Logger
    ) async {
        var receiver = receiver
        do throws(NoiseConnectionError) {
            while let ciphertext = try await reader.next() {
                let plaintext: Data
                do {
                    plaintext = try receiver.open(ciphertext)
                } catch {
                    throw .transport(error)
                }
                continuation.yield(plaintext)
            }
            // Refuse sends before the consumer can see the end, so nobody sends into a closed socket.
            await writer.markClosed()
            continuation.finish()
        } catch {
            logger.debug("Noise connection failed", metadata: ["error": "\(error)"])
            await writer.close(reason: "bad frame", protocolError: true)
            continuation.finish(throwing: error)
        }
    }

    /// Closes the connection and waits (at most `closeTimeout`) for the peer to answer, which
    /// ends the pump; then stops whatever is left.
    private static func finish(
        _ connection: NoiseConnection,
        group: inout ThrowingTaskGroup<Void, any Error>,
        closeTimeout: Duration
    ) async {
        await connection.close()
        group.addTask { try? await Task.sleep(for: closeTimeout) }
        _ = try? await group.next()
        group.cancelAll()
    }
}

/// A one-way flag the handshake deadline sets.
private final class Deadline: Sendable {
    private enum State { case pending, finished, expired }
    private let state = Mutex(State.pending)

    /// The timer's claim: true when the handshake had not finished yet.
    func expire() -> Bool { settle(as: .expired) }

    /// The handshake's claim: true when the timer had not expired yet.
    func finish() -> Bool { settle(as: .finished) }

    private func settle(as outcome: State) -> Bool {
        state.withLock { current in
            guard current == .pending else { return current == outcome }
            current = outcome
            return true
        }
    }
}
