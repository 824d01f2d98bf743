import Foundation
import Synchronization
import ZapgateEngine
import ZapgateNoise
import ZapgateSimulator

/// A simulator serving on 127.0.0.1 for one test, stoppable and restartable on the same port.
final class SimulatorHarness: Sendable {
    let simulator: Simulator
    private let server = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex(0)

    init(configuration: SimulatorConfiguration = .fast) throws {
        simulator = try Simulator(configuration: configuration)
    }

    var port: Int { boundPort.withLock { $0 } }

    /// Starts serving (on the earlier port after a stop) and returns once it listens.
    func start() async throws {
        let previous = port
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let task = Task { [simulator] in
            defer { signal.finish() }
            try await simulator.run(port: previous == 0 ? nil : previous) { port in
                signal.yield(port)
                signal.finish()
            }
        }
        server.withLock { $0 = task }
        var iterator = listening.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            _ = try await task.value
            throw HarnessError.didNotListen
        }
        boundPort.withLock { $0 = bound }
    }

    /// Stops serving, which drops every connection, as a crash of the server would.
    func stop() async {
        let task = server.withLock { current in
            defer { current = nil }
            return current
        }
        task?.cancel()
        _ = await task?.result
    }

    /// An engine configuration that trusts this simulator and runs its timers fast; with
    /// `fastKeepalive` off, keepalive and iq timeouts keep WhatsApp's pace (for tests under
    /// heavy load).
    func engineConfiguration(fastKeepalive: Bool = true) -> DeviceSessionConfiguration {
        var verifier = NoiseCertificateVerifier()
        verifier.trustedRootKey = simulator.rootPublicKey
        var configuration = DeviceSessionConfiguration(
            noise: .init(url: "ws://127.0.0.1:\(port)/ws/chat", origin: nil, verifier: verifier),
            firstQRTimeout: .seconds(5),
            laterQRTimeout: .seconds(2),
            keepaliveInterval: .milliseconds(300) ... .milliseconds(500),
            keepaliveTimeout: .seconds(2),
            keepaliveGiveUp: .seconds(3),
            reconnectInitialDelay: .milliseconds(50),
            reconnectMaximumDelay: .milliseconds(400),
            iqTimeout: .seconds(10)
        )
        // The simulator's media server speaks plain HTTP on 127.0.0.1.
        configuration.media.scheme = "http"
        if !fastKeepalive {
            let defaults = DeviceSessionConfiguration()
            configuration.keepaliveInterval = defaults.keepaliveInterval
            configuration.keepaliveTimeout = defaults.keepaliveTimeout
            configuration.keepaliveGiveUp = defaults.keepaliveGiveUp
            configuration.iqTimeout = defaults.iqTimeout
        }
        return configuration
    }

    enum HarnessError: Error { case didNotListen }
}

extension SimulatorConfiguration {
    /// Real behaviour, shorter QR windows.
    static var fast: SimulatorConfiguration {
        SimulatorConfiguration(
            firstQRTimeout: .seconds(5), laterQRTimeout: .seconds(2), pairingGrace: .seconds(1))
    }
}

/// Collects a session's events as they come so tests can wait for the one they expect.
actor EventLog {
    private(set) var events: [DeviceEvent] = []
    private(set) var finished = false

    /// Starts collecting `session`'s events; the task ends when the sequence does.
    static func following(_ session: DeviceSession) -> EventLog {
        let log = EventLog()
        Task {
            for await event in session.events { await log.append(event) }
            await log.finish()
        }
        return log
    }

    private func append(_ event: DeviceEvent) { events.append(event) }
    private func finish() { finished = true }

    /// Waits until an event matches, returning it; fails after `timeout`.
    func first(
        within timeout: Duration = .seconds(60),
        _ description: String,
        where match: @Sendable (DeviceEvent) -> Bool
    ) async throws -> DeviceEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let event = events.first(where: match) { return event }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WaitError.timedOut(description, seen: events)
    }

    /// Waits for the sequence to finish.
    func waitUntilFinished(within timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !finished {
            guard ContinuousClock.now < deadline else {
                throw WaitError.timedOut("end of events", seen: events)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func count(where match: @Sendable (DeviceEvent) -> Bool) -> Int { events.filter(match).count }

    enum WaitError: Error, CustomStringConvertible {
        case timedOut(String, seen: [DeviceEvent])
        var description: String {
            switch self {
            case .timedOut(let what, let seen): "timed out waiting for \(what); saw \(seen)"
            }
        }
    }
}

extension DeviceEvent {
    var qrCode: String? {
        if case .qr(let code, _) = self { return code }
        return nil
    }
    var isConnected: Bool { self == .connected }
    var isPaired: Bool {
        if case .paired = self { return true }
        return false
    }
}

/// A session running against a harness's simulator, with its events collected.
struct RunningSession: Sendable {
    let session: DeviceSession
    let log: EventLog
    let run: Task<Void, Never>

    /// The graceful stop: cancel and wait for `run()` to return.
    func stop() async {
        run.cancel()
        await run.value
    }
}

extension SimulatorHarness {
    /// A harness already serving.
    static func started(_ configuration: SimulatorConfiguration = .fast) async throws -> SimulatorHarness {
        let harness = try SimulatorHarness(configuration: configuration)
        try await harness.start()
        return harness
    }

    /// Starts a session over `store` against this simulator.
    func startSession(
        store: InMemoryDeviceStore = InMemoryDeviceStore(),
        configuration: DeviceSessionConfiguration? = nil
    ) -> RunningSession {
        let session = DeviceSession(store: store, configuration: configuration ?? engineConfiguration())
        let log = EventLog.following(session)
        return RunningSession(session: session, log: log, run: Task { await session.run() })
    }
}
