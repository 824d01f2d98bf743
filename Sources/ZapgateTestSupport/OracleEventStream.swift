import Foundation
import Synchronization

/// One JSON object an oracle printed on a line of its own.
///
/// The line is kept as bytes (which are `Sendable`) and parsed when asked, so events can cross
/// tasks freely.
public struct OracleEvent: Sendable, CustomStringConvertible {
    /// The line as the oracle printed it, without the newline.
    public let line: Data

    /// The parsed object, or an empty one when the line is not a JSON object.
    public var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] ?? [:]
    }

    /// The `"event"` field, which every event of a streaming oracle carries.
    public var name: String? { object["event"] as? String }

    /// A string field.
    public func string(_ key: String) -> String? { object[key] as? String }

    /// An integer field.
    public func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }

    /// A boolean field.
    public func bool(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }

    public var description: String { String(decoding: line, as: UTF8.self) }
}

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

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Data?, Never>
    }

    private struct State {
        var partial = Data()
        var lines: [Data] = []
        var finished = false
        var waiter: Waiter?
        var nextWaiterID: UInt64 = 0
        /// Waits whose deadline passed before they started waiting end at once.
        var expiredThrough: UInt64 = 0
        var stderr = Data()
    }

    /// The state the pipe handlers share with readers; a class so the handlers need not hold
    /// the stream itself (which would keep it alive until the oracle exits).
    private final class Shared: Sendable {
        let mutex = Mutex(State())
    }

    private static let stderrLimit = 64 << 10

    private let process: Process
    private let input: FileHandle
    private let shared = Shared()

    /// Starts `Oracles/<script>` with `arguments` in the given environment.
    public init(script: String, environment: OracleProcess.Environment, arguments: [String]) throws {
        let python = RepositoryPaths.root.appendingPathComponent(environment.rawValue + "/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OracleProcess.Failure.environmentMissing(python.path)
        }
        let process = Process()
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.executableURL = python
        process.arguments = [RepositoryPaths.oracles.appendingPathComponent(script).path] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = env
        self.process = process
        self.input = stdin.fileHandleForWriting

        let shared = self.shared
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            Self.receive(chunk, into: shared)
        }
        // Drained as it arrives so a chatty oracle never blocks on a full pipe.
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            shared.mutex.withLock { stored in
                stored.stderr.append(chunk)
                if stored.stderr.count > Self.stderrLimit {
                    stored.stderr = Data(stored.stderr.suffix(Self.stderrLimit))
                }
            }
        }
        try process.run()
    }

    deinit {
        close()
    }

    /// What the oracle wrote to stderr so far (its last 64 KiB).
    public var stderrText: String {
        shared.mutex.withLock { String(decoding: $0.stderr, as: UTF8.self) }
    }

    /// The next line the oracle prints, parsed; throws if it exits first or the deadline passes.
    public func next(timeout: Duration, waitingFor what: String = "an event") async throws -> OracleEvent {
        let id = shared.mutex.withLock { stored in
            stored.nextWaiterID += 1
            return stored.nextWaiterID
        }
        let deadline = Task {
            try await Task.sleep(for: timeout)
            self.resumeWaiter(id, with: nil)
        }
        defer { deadline.cancel() }
        let line: Data? = await withCheckedContinuation { continuation in
            let ready: Data?? = shared.mutex.withLock { stored in
                if !stored.lines.isEmpty { return .some(stored.lines.removeFirst()) }
                if stored.finished || stored.expiredThrough >= id { return .some(nil) }
                stored.waiter = Waiter(id: id, continuation: continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
        if let line { return OracleEvent(line: line) }
        if shared.mutex.withLock({ $0.finished && $0.lines.isEmpty }) {
            process.waitUntilExit()
            throw Failure.exited(status: process.terminationStatus, waitingFor: what, stderr: stderrText)
        }
        throw Failure.timedOut(waitingFor: what, stderr: stderrText)
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
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while process.isRunning {
            guard clock.now < end else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Closes the oracle's stdin and stops it if it is still running.
    public func close() {
        try? input.close()
        if process.isRunning { process.terminate() }
    }

    private func resumeWaiter(_ id: UInt64, with line: Data?) {
        let waiter: Waiter? = shared.mutex.withLock { stored in
            stored.expiredThrough = max(stored.expiredThrough, id)
            guard let waiter = stored.waiter, waiter.id == id else { return nil }
            stored.waiter = nil
            return waiter
        }
        waiter?.continuation.resume(returning: line)
    }

    /// Splits stdout into lines and hands the first to a waiting reader; an empty chunk is EOF.
    private static func receive(_ chunk: Data, into shared: Shared) {
        let waiter: (Waiter, Data?)? = shared.mutex.withLock { stored in
            if chunk.isEmpty {
                stored.finished = true
                if !stored.partial.isEmpty {
                    stored.lines.append(stored.partial)
                    stored.partial = Data()
                }
            } else {
                stored.partial.append(chunk)
                while let newline = stored.partial.firstIndex(of: 0x0A) {
                    stored.lines.append(Data(stored.partial[stored.partial.startIndex..<newline]))
                    stored.partial = Data(stored.partial[(newline + 1)...])
                }
            }
            guard let waiter = stored.waiter else { return nil }
            if !stored.lines.isEmpty {
                stored.waiter = nil
                return (waiter, stored.lines.removeFirst())
            }
            if stored.finished {
                stored.waiter = nil
                return (waiter, nil)
            }
            return nil
        }
        if let (waiter, line) = waiter { waiter.continuation.resume(returning: line) }
    }
}
