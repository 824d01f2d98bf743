import Foundation
import Logging
import ZapgateNoise
import ZapgateProto
import ZapgateProtocol
import ZapgateWire

/// The server's side of one companion connection: registration or login, then the stanzas
/// that follow. Phone actions (a scan, a typed code) drive it from outside.
actor SimulatorConnection {
    enum Role {
        /// Connected with a registration payload; may link.
        case registering(CompanionRegistration)
        /// Logged in as this device.
        case device(SimulatorRegistry.DeviceKey)
        /// Refused; closing.
        case refused
    }

    let connection: NoiseConnection
    let registry: SimulatorRegistry
    let relay: SimulatorRelay
    let configuration: SimulatorConfiguration
    let logger: Logger
    var role: Role = .refused
    /// Answers awaited for `<iq>` requests the server sent, by id.
    var awaitedReplies: [String: CheckedContinuation<BinaryNode, any Error>] = [:]
    /// The companion's `companion_finish` request, awaited by a phone typing a code.
    var awaitedFinish: CheckedContinuation<BinaryNode, any Error>?
    var expectedReplies: Set<String> = []
    var earlyReplies: [String: BinaryNode] = [:]
    var isClosed = false
    var expectingFinish = false
    var earlyFinish: BinaryNode?
    var linked = false
    /// Set by ``Simulator/silence(_:)``: read everything, answer nothing.
    var silent = false
    private var counter = 0
    /// Signalled when the server hangs up, so a client that never answers the close cannot
    /// keep the connection open.
    private let closing: AsyncStream<Void>
    private let closingSink: AsyncStream<Void>.Continuation

    init(
        connection: NoiseConnection, registry: SimulatorRegistry, relay: SimulatorRelay,
        configuration: SimulatorConfiguration, logger: Logger
    ) {
        self.connection = connection
        self.registry = registry
        self.relay = relay
        self.configuration = configuration
        self.logger = logger
        (closing, closingSink) = AsyncStream.makeStream(of: Void.self)
    }

    /// Serves the connection until it closes.
    func serve() async {
        guard let payload = connection.session.clientPayload else {
            await close()
            return
        }
        if payload.hasDevicePairingData {
            await register(payload)
        } else {
            await login(payload)
        }
        if case .refused = role {
            await close()
            return
        }
        let registering: Bool
        if case .registering = role { registering = true } else { registering = false }
        let window = configuration.pairingWindow
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.readStanzas() }
            group.addTask { [closing] in
                for await _ in closing {
                    try? await Task.sleep(for: .seconds(5))
                    return
                }
            }
            if registering {
                group.addTask {
                    do { try await Task.sleep(for: window) } catch { return }
                    await self.closeIfUnlinked()
                }
            }
            await group.next()
            group.cancelAll()
            closingSink.finish()
        }
        isClosed = true
        await registry.closed(self)
        let error = SimulatorError.linkFailed("the companion disconnected")
        for waiter in awaitedReplies.values { waiter.resume(throwing: error) }
        awaitedReplies = [:]
        awaitedFinish?.resume(throwing: error)
        awaitedFinish = nil
    }

    private func readStanzas() async {
        do {
            for try await frame in connection.frames {
                guard let node = try? BinaryNode(framePayload: frame) else {
                    logger.warning("undecodable frame from a companion")
                    continue
                }
                if !silent { await receive(node) }
            }
        } catch {
            logger.debug("companion connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func closeIfUnlinked() async {
        guard !linked else { return }
        logger.info("no phone linked the companion in time; closing")
        await close()
    }

    func nextID() -> String {
        counter += 1
        return "sim-\(counter)"
    }

    func send(_ node: BinaryNode) async {
        do {
            try await connection.send(try node.encodedFramePayload())
        } catch {
            logger.debug("send to a companion failed", metadata: ["tag": "\(node.tag)", "error": "\(error)"])
        }
    }

    /// Sends an `<iq>` from the server and waits for the companion's answer. An answer that
    /// arrives before the wait begins is kept in ``earlyReplies``.
    func request(_ node: BinaryNode) async throws(SimulatorError) -> BinaryNode {
        let id = node.attributes["id"]?.description ?? ""
        expectedReplies.insert(id)
        defer { expectedReplies.remove(id) }
        await send(node)
        do {
            return try await withCheckedThrowingContinuation { continuation in
                if let early = earlyReplies.removeValue(forKey: id) {
                    continuation.resume(returning: early)
                } else if isClosed {
                    continuation.resume(throwing: SimulatorError.linkFailed("the companion disconnected"))
                } else {
                    awaitedReplies[id] = continuation
                }
            }
        } catch let error as SimulatorError {
            throw error
        } catch {
            throw .linkFailed("\(error)")
        }
    }

    /// Routes an `<iq>` answer to the request waiting for it.
    func replyArrived(_ node: BinaryNode) {
        let id = node.attributes["id"]?.description ?? ""
        if let waiter = awaitedReplies.removeValue(forKey: id) {
            waiter.resume(returning: node)
        } else if expectedReplies.contains(id) {
            earlyReplies[id] = node
        }
    }

    func silence() { silent = true }

    func close() async {
        closingSink.yield()
        await connection.close()
    }

    /// Ends a logged-in connection the way the server does: a stream error, then close.
    func end(with error: StreamError) async {
        await send(error.node)
        await close()
    }
}
