import Foundation

/// A child process driven a line at a time: lines written to its stdin, its stdout collected
/// as it arrives and read with deadlines, the tail of its stderr kept for failure messages.
///
/// Nothing blocks: ``nextLine(waitingFor:timeout:matching:)`` suspends until a matching line
/// is there, stdout ends, or the deadline passes. Dropping the object (or ``stop()``) closes
/// the child's stdin and terminates it if it is still running.
public final class LineProcess: Sendable {
    /// Why waiting for a line failed, with what the caller was waiting for and the stderr tail.
    public struct Failure: Error, CustomStringConvertible {
        /// What came first.
        public enum Reason: Sendable, Equatable {
            /// The deadline.
            case timedOut
            /// The end of stdout and the process's exit with this status.
            case exited(status: Int32)
        }

        public let reason: Reason
        /// The line waited for, in words.
        public let waitingFor: String
        /// The last 64 KiB the process wrote to stderr.
        public let stderr: String

        public var description: String {
            let outcome =
                switch reason {
                case .timedOut: "timed out waiting for \(waitingFor)"
                case .exited(let status): "exited (status \(status)) before printing \(waitingFor)"
                }
            return "process \(outcome); its stderr ends with:\n\(stderr)"
        }
    }

    /// Writing to the stdin of a child that already exited raises SIGPIPE, whose default action
    /// would end the whole test run rather than fail one test.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    let process: Process
    let output = LineOutput()
    private let input: FileHandle

    /// Starts `executable` with `arguments`, in `environment` (this process's when nil) and
    /// `workingDirectory` (this process's when nil).
    public init(
        executable: URL, arguments: [String] = [], environment: [String: String]? = nil,
        workingDirectory: URL? = nil
    ) throws {
        let process = Process()
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        self.input = stdin.fileHandleForWriting

        let output = self.output
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            output.receiveStdout(chunk)
        }
        // Drained as it arrives: a pipe nobody reads fills at 64 KiB and blocks the child.
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            output.receiveStderr(chunk)
        }
        try process.run()
    }

    deinit {
        stop()
    }

    /// Every complete line printed on stdout so far, read or not.
    public var stdoutLines: [String] { output.lines }

    /// The last 64 KiB printed on stderr.
    public var stderrText: String { output.stderrText }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Writes `line` and a newline to the process's stdin.
    public func send(_ line: String) throws {
        _ = Self.ignoreBrokenPipes
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the process's stdin (end of file).
    public func closeInput() {
        try? input.close()
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    public func interrupt() {
        process.interrupt()
    }

    /// The child's process id.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` to the process, e.g. `SIGKILL` for a crash test: unlike ``stop()`` the
    /// child gets no chance to shut down in order. Nothing happens once it has exited.
    public func kill(signal: Int32) {
        guard process.isRunning else { return }
        deliver(signal, to: process.processIdentifier)
    }

    /// Closes stdin and terminates the process if it is still running.
    public func stop() {
        closeInput()
        if process.isRunning { process.terminate() }
    }
}

/// The C library's `kill`, out of reach inside ``LineProcess`` where its own `kill(signal:)`
/// hides it.
private func deliver(_ signal: Int32, to process: pid_t) {
    _ = kill(process, signal)
}
