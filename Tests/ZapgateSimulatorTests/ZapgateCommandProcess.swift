import Foundation
import Synchronization
import ZapgateTestSupport

/// The built `zapgate` binary as a child process: lines written to its stdin, its stdout read
/// a line at a time with deadlines. Dropping it stops the process.
final class ZapgateCommandProcess: Sendable {
    /// Why the process could not be started or did not say what was expected.
    enum Failure: Error, CustomStringConvertible {
        case binaryMissing(searched: [String])
        case timedOut(waitingFor: String, stdout: String, stderr: String)

        var description: String {
            switch self {
            case .binaryMissing(let searched):
                "no zapgate binary (build with `swift build --build-tests`); looked in:\n"
                    + searched.joined(separator: "\n")
            case .timedOut(let what, let stdout, let stderr):
                "zapgate did not print \(what) in time.\nstdout:\n\(stdout)\nstderr ends with:\n\(stderr)"
            }
        }
    }

    private struct Output {
        var partial = Data()
        var lines: [String] = []
        /// Lines before this index were matched or skipped by ``line(waitingFor:timeout:_:)``.
        var read = 0
        var stderr = Data()
    }

    private final class Shared: Sendable {
        let output = Mutex(Output())
    }

    private static let stderrLimit = 64 << 10

    /// Writing to the stdin of a process that already exited raises SIGPIPE, whose default
    /// action would end the whole test run rather than fail one test.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    private let process: Process
    private let input: FileHandle
    private let shared = Shared()

    /// The `zapgate` executable beside the test bundle (SwiftPM builds every product into the
    /// same folder), or in the package's debug build folder.
    static func binary() throws -> URL {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL {
            folders.append(executable.deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        folders.append(RepositoryPaths.root.appendingPathComponent(".build/debug"))
        let candidates = folders.map { $0.appendingPathComponent("zapgate") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else { throw Failure.binaryMissing(searched: candidates.map(\.path)) }
        return found
    }

    /// Starts `zapgate <arguments>`.
    init(_ arguments: [String]) throws {
        _ = Self.ignoreBrokenPipes
        let process = Process()
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        self.input = stdin.fileHandleForWriting

        let shared = self.shared
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            shared.output.withLock { output in
                output.partial.append(chunk)
                while let newline = output.partial.firstIndex(of: 0x0A) {
                    let line = output.partial[output.partial.startIndex..<newline]
                    output.lines.append(String(decoding: line, as: UTF8.self))
                    output.partial = Data(output.partial[(newline + 1)...])
                }
            }
        }
        stderr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { handle.readabilityHandler = nil }
            shared.output.withLock { output in
                output.stderr.append(chunk)
                if output.stderr.count > Self.stderrLimit {
                    output.stderr = Data(output.stderr.suffix(Self.stderrLimit))
                }
            }
        }
        try process.run()
    }

    deinit {
        stop()
    }

    /// Everything printed on stdout so far.
    var stdoutText: String { shared.output.withLock { $0.lines.joined(separator: "\n") } }

    /// The last 64 KiB printed on stderr.
    var stderrText: String { shared.output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Writes `line` and a newline to the process's stdin.
    func send(_ line: String) throws {
        try input.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes the process's stdin (end of file).
    func closeInput() {
        try? input.close()
    }

    /// The first unread stdout line `matching` accepts, once it is printed; the lines before it
    /// count as read.
    func line(
        waitingFor what: String, timeout: Duration = .seconds(20), _ matching: (String) -> Bool
    ) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            let found: String? = shared.output.withLock { output in
                guard let index = output.lines[output.read...].firstIndex(where: matching) else { return nil }
                output.read = index + 1
                return output.lines[index]
            }
            if let found { return found }
            guard clock.now < deadline else {
                throw Failure.timedOut(waitingFor: what, stdout: stdoutText, stderr: stderrText)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The text after `prefix` on the first unread line starting with it.
    func value(after prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let line = try await line(waitingFor: "a line starting \"\(prefix)\"", timeout: timeout) {
            $0.hasPrefix(prefix)
        }
        return String(line.dropFirst(prefix.count))
    }

    /// Whether stderr shows `text` within `timeout`; stderr is read as it arrives, so it may
    /// trail the process's exit a little.
    func stderr(contains text: String, within timeout: Duration = .seconds(5)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !stderrText.contains(text) {
            guard clock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    func interrupt() {
        process.interrupt()
    }

    /// Waits for the process to exit and returns its status (the signal's number if a signal
    /// ended it); nil if it is still running at the deadline.
    func exitStatus(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning {
            guard clock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Closes stdin and ends the process if it is still running.
    func stop() {
        closeInput()
        if process.isRunning { process.terminate() }
    }
}
