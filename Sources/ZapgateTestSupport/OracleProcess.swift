import Foundation
import Synchronization

/// A helper process from `Oracles/` that speaks JSON lines on stdin/stdout: one request object
/// per line in, one reply object per line out. Bytes travel as lowercase hex.
///
/// The oracles are implementations we did not write (python-axolotl, dissononce, baileys-python);
/// the interop tests use them as the judge of our encodings. The venvs come from
/// `scripts/setup.sh --test`.
public final class OracleProcess {
    /// Which pinned Python environment an oracle script runs in.
    public enum Environment: String, Sendable {
        /// python-axolotl, its curve25519 module, dissononce (protobuf 3.20).
        case signal = ".venv-signal"
        /// baileys-python's binary-node codec and WAProto modules (protobuf 6).
        case waproto = ".venv-waproto"
    }

    /// Why talking to an oracle failed.
    public enum Failure: Error, CustomStringConvertible {
        case environmentMissing(String)
        case exited(script: String, stderr: String)
        case reported(String)
        case malformedReply(String)

        public var description: String {
            switch self {
            case .environmentMissing(let path):
                "oracle venv \(path) is missing: run scripts/setup.sh --test (scripts/test.sh does)"
            case .exited(let script, let stderr): "oracle \(script) exited: \(stderr)"
            case .reported(let message): "oracle reported: \(message)"
            case .malformedReply(let line): "oracle reply is not a JSON object: \(line)"
            }
        }
    }

    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private let errors = Pipe()
    private let errorText = StderrTail()
    private let script: String
    private var buffer = Data()

    /// Starts `Oracles/<script>` with `arguments` in the given environment.
    public init(script: String, environment: Environment, arguments: [String] = []) throws {
        let python = RepositoryPaths.root.appendingPathComponent(environment.rawValue + "/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure.environmentMissing(python.path)
        }
        self.script = script
        let stdin = Pipe()
        let stdout = Pipe()
        process.executableURL = python
        process.arguments = [RepositoryPaths.oracles.appendingPathComponent(script).path] + arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = errors
        // Read stderr as it arrives: a pipe nobody drains fills at 64 KiB and blocks the oracle
        // mid-reply, which would hang the test instead of failing it.
        let tail = errorText
        errors.fileHandleForReading.readabilityHandler = { handle in tail.append(handle.availableData) }
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = env
        try process.run()
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
    }

    deinit {
        errors.fileHandleForReading.readabilityHandler = nil
        try? input.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Sends one request and returns the reply; an `{"error": …}` reply throws `.reported`.
    @discardableResult
    public func call(_ request: [String: Any]) throws -> [String: Any] {
        let line = try JSONSerialization.data(withJSONObject: request) + Data([0x0A])
        try input.write(contentsOf: line)
        let reply = try readLine()
        guard let object = try? JSONSerialization.jsonObject(with: reply) as? [String: Any] else {
            throw Failure.malformedReply(String(decoding: reply, as: UTF8.self))
        }
        if let message = object["error"] as? String { throw Failure.reported(message) }
        return object
    }

    /// Reads one line the oracle printed on its own (for example a "ready" line with a port).
    public func readLine() throws -> Data {
        // Search only bytes not searched before, so a large reply is read in linear time.
        var searchFrom = buffer.startIndex
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return Data(line)
            }
            searchFrom = buffer.endIndex
            let chunk = output.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                errors.fileHandleForReading.readabilityHandler = nil
                let stderr =
                    errorText.text
                    + String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
                throw Failure.exited(script: script, stderr: stderr)
            }
            buffer.append(chunk)
        }
    }
}

/// The last part of what an oracle wrote to stderr, kept for the failure message.
private final class StderrTail: Sendable {
    private static let limit = 64 << 10
    private let bytes = Mutex(Data())

    func append(_ chunk: Data) {
        bytes.withLock { stored in
            stored.append(chunk)
            if stored.count > Self.limit { stored = Data(stored.suffix(Self.limit)) }
        }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
