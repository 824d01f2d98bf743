import Foundation
import ZapgateTestSupport

/// The built `zapgate serve` as a child process, pointed at a simulator living in the test
/// process: the gateway can be killed outright and started again on the same data while the
/// WhatsApp side (and the phones on it) carries on.
final class GatewayProcess: Sendable {
    /// What every start of the gateway is given; the same each time, so a restart finds its
    /// database, master key and instances again.
    struct Options: Sendable {
        var dataDirectory: String
        var databaseURL: String
        /// The simulator's chat socket, `ws://127.0.0.1:<port>/ws/chat`.
        var whatsappURL: String
        /// The simulator's certificate root, 64 hex digits.
        var rootKeyHex: String
        var adminKey: String
        var masterKey: String
        /// More environment for the gateway (settings such as `ZAPGATE_WEBHOOK_*`), set after the
        /// test run's own `ZAPGATE_` variables are cleared.
        var environment: [String: String] = [:]
    }

    enum Failure: Error, CustomStringConvertible {
        case binaryMissing(searched: [String])
        case didNotListen(String)

        var description: String {
            switch self {
            case .binaryMissing(let searched):
                "no zapgate binary (build with `swift build --build-tests`); looked in:\n"
                    + searched.joined(separator: "\n")
            case .didNotListen(let why): "zapgate serve did not start: \(why)"
            }
        }
    }

    /// The port it listens on (a new one at every start: it is started with `--port 0`).
    let port: Int
    private let process: LineProcess

    private init(port: Int, process: LineProcess) {
        self.port = port
        self.process = process
    }

    /// Starts `zapgate serve` and returns once it prints that it listens.
    static func start(_ options: Options) async throws -> GatewayProcess {
        var environment = ProcessInfo.processInfo.environment
        // Keys go by environment only (as `serve` requires); any other ZAPGATE_ setting of the
        // test run must not leak into the gateway.
        for name in environment.keys where name.hasPrefix("ZAPGATE_") { environment[name] = nil }
        environment["ZAPGATE_ADMIN_KEY"] = options.adminKey
        environment["ZAPGATE_MASTER_KEY"] = options.masterKey
        environment.merge(options.environment) { _, given in given }
        let process = try LineProcess(
            executable: try binary(),
            arguments: [
                "serve", "--port", "0", "--data", options.dataDirectory,
                "--database-url", options.databaseURL,
                "--whatsapp-url", options.whatsappURL, "--whatsapp-root-key", options.rootKeyHex,
                "--log-level", "notice",
            ],
            environment: environment)
        let prefix = "listening on http://127.0.0.1:"
        let line: String
        do {
            line = try await process.nextLine(
                waitingFor: "\"\(prefix)…\"", timeout: .seconds(60), matching: { $0.hasPrefix(prefix) })
        } catch {
            process.kill(signal: SIGKILL)
            throw Failure.didNotListen(error.description)
        }
        let digits = line.dropFirst(prefix.count).prefix { $0.isNumber }
        guard let port = Int(digits) else { throw Failure.didNotListen("no port in \"\(line)\"") }
        return GatewayProcess(port: port, process: process)
    }

    /// Kills the gateway with SIGKILL (no shutdown of any kind, as a power cut would) and waits
    /// until it is gone.
    func crash() async {
        process.kill(signal: SIGKILL)
        _ = await process.exitStatus(timeout: .seconds(30))
    }

    /// Stops the gateway gracefully (SIGTERM) and waits for it, killing it if it lingers.
    func stop() async {
        process.kill(signal: SIGTERM)
        if await process.exitStatus(timeout: .seconds(20)) == nil { await crash() }
    }

    /// The last 64 KiB it wrote to stderr (its log), for failure messages.
    var stderrText: String { process.stderrText }

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
}
