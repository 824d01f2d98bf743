import Foundation
import ZapgateTestSupport

/// The built `zapgate` binary as a child process: lines written to its stdin, its stdout read
/// a line at a time with deadlines. Dropping it stops the process.
final class ZapgateCommandProcess: Sendable {
    /// Why the process could not be started or did not say what was expected.
    enum Failure: Error, CustomStringConvertible {
        case binaryMissing(searched: [String])
        case timedOut(waitingFor: String, stdout: String, stderr: String)
        case exited(status: Int32, waitingFor: String, stdout: String, stderr: String)

        var description: String {
            switch self {
            case .binaryMissing(let searched):
                "no zapgate binary (build with `swift build --build-tests`); looked in:\n"
                    + searched.joined(separator: "\n")
            case .timedOut(let what, let stdout, let stderr):
                "zapgate did not print \(what) in time.\nstdout:\n\(stdout)\nstderr ends with:\n\(stderr)"
            case .exited(let status, let what, let stdout, let stderr):
                "zapgate exited (status \(status)) before printing \(what).\nstdout:\n\(stdout)\n"
                    + "stderr ends with:\n\(stderr)"
            }
        }
    }

    private let process: LineProcess

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
        process = try LineProcess(executable: try Self.binary(), arguments: arguments)
    }

    /// Everything printed on stdout so far.
    var stdoutText: String { process.stdoutLines.joined(separator: "\n") }

    /// The last 64 KiB printed on stderr.
    var stderrText: String { process.stderrText }

    /// Writes `line` and a newline to the process's stdin.
    func send(_ line: String) throws {
        try process.send(line)
    }

    /// Closes the process's stdin (end of file).
    func closeInput() {
        process.closeInput()
    }

    /// The first unread stdout line `matching` accepts, once it is printed; the lines before it
    /// count as read.
    func line(
        waitingFor what: String, timeout: Duration = .seconds(20), _ matching: (String) -> Bool
    ) async throws -> String {
        do throws(LineProcess.Failure) {
            return try await process.nextLine(waitingFor: what, timeout: timeout, matching: matching)
        } catch {
            throw switch error.reason {
            case .timedOut: Failure.timedOut(waitingFor: what, stdout: stdoutText, stderr: error.stderr)
            case .exited(let status):
                Failure.exited(status: status, waitingFor: what, stdout: stdoutText, stderr: error.stderr)
            }
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
        await process.stderr(contains: text, within: timeout)
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
        await process.exitStatus(timeout: timeout)
    }

    /// Closes stdin and ends the process if it is still running.
    func stop() {
        process.stop()
    }
}
