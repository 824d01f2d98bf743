import Foundation

/// An oracle from `Oracles/` that runs on its own and reports what happens as JSON lines
/// (for example a client that connects to a server under test), read here with deadlines.
///
/// Unlike ``OracleProcess`` nothing blocks: stdout is collected as it arrives, and ``next(timeout:)``
/// suspends until a line is there, the oracle exits, or the deadline passes. Closing the stream
/// (or dropping it) closes the oracle's stdin, which the oracles take as the signal to stop.
/// Meant for one consumer at a time.
public final class OracleEventStream: Sendable {
    /// Why reading an event failed.
    public enum Failure: Error, CustomStringConvertible {
        case timedOut(waitingFor: String, stderr: String)
        case exited(status: Int32, waitingFor: String, stderr: String)

        public var description: String {
            switch self {
            case .timedOut(let what, let stderr):
                "oracle timed out waiting for \(what); its stderr ends with:\n\(stderr)"
            case .exited(let status, let what, let stderr):
                "oracle exited (status \(status)) before printing \(what); its stderr ends with:\n\(stderr)"
            }
        }
    }

    private let process: LineProcess

    /// Starts `Oracles/<script>` with `arguments` in the given environment.
    public init(script: String, environment: OracleProcess.Environment, arguments: [String]) throws {
        let python = RepositoryPaths.root.appendingPathComponent(environment.rawValue + "/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OracleProcess.Failure.environmentMissing(python.path)
        }
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        process = try LineProcess(
            executable: python,
            arguments: [RepositoryPaths.oracles.appendingPathComponent(script).path] + arguments,
            environment: env)
    }

    /// What the oracle wrote to stderr so far (its last 64 KiB).
    public var stderrText: String { process.stderrText }

    /// The next line the oracle prints, parsed; throws if it exits first or the deadline passes.
    public func next(timeout: Duration, waitingFor what: String = "an event") async throws -> OracleEvent {
        do throws(LineProcess.Failure) {
            return OracleEvent(
                line: Data(try await process.nextLine(waitingFor: what, timeout: timeout).utf8))
        } catch {
            throw switch error.reason {
            case .timedOut: Failure.timedOut(waitingFor: what, stderr: error.stderr)
            case .exited(let status): Failure.exited(status: status, waitingFor: what, stderr: error.stderr)
            }
        }
    }

    /// Reads events until one named `name` arrives and returns it with the events before it.
    public func next(
        event name: String, timeout: Duration
    ) async throws -> (event: OracleEvent, skipped: [OracleEvent]) {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        var skipped: [OracleEvent] = []
        while true {
            let event = try await next(timeout: max(end - clock.now, .zero), waitingFor: "\"\(name)\"")
            if event.name == name { return (event, skipped) }
            skipped.append(event)
        }
    }

    /// Waits for the oracle to exit and returns its status; nil if it is still running at the deadline.
    public func exitStatus(timeout: Duration) async -> Int32? {
        await process.exitStatus(timeout: timeout)
    }

    /// Closes the oracle's stdin and stops it if it is still running.
    public func close() {
        process.stop()
    }
}
