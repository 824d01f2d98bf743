import Foundation
import ZapgateSimulator

/// A simulator serving on a free 127.0.0.1 port for the length of one test.
enum InteropSimulator {
    /// Why the simulator could not be started.
    enum Failure: Error {
        case stoppedBeforeListening
    }

    /// Starts a simulator, runs `body` with it and its chat URL, then stops it (also when `body`
    /// throws), so no test leaves a server behind.
    static func serving<Value>(
        _ configuration: SimulatorConfiguration = .init(),
        _ body: (Simulator, _ url: String) async throws -> Value
    ) async throws -> Value {
        let simulator = try Simulator(configuration: configuration)
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            // Finishing the stream however `run` ends means a failed start cannot leave the
            // test waiting for a port forever.
            defer { signal.finish() }
            try await simulator.run { port in signal.yield(port) }
        }
        var ports = listening.makeAsyncIterator()
        guard let port = await ports.next() else {
            try await server.value
            throw Failure.stoppedBeforeListening
        }
        do {
            let value = try await body(simulator, "ws://127.0.0.1:\(port)/ws/chat")
            server.cancel()
            _ = await server.result
            return value
        } catch {
            server.cancel()
            _ = await server.result
            throw error
        }
    }

    /// Polls `condition` until it holds; throws after `timeout`. For state the simulator
    /// changes on its own time, such as noticing a closed socket.
    static func waitUntil(
        _ what: String,
        within timeout: Duration = .seconds(30),
        _ condition: () async -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !(await condition()) {
            guard clock.now < deadline else { throw WaitTimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// A condition that did not come true in time.
    struct WaitTimedOut: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting until \(what)" }
    }
}
