import ArgumentParser
import Foundation
import Logging
import ZapgateCrypto
import ZapgateSimulator

/// `zapgate sim`: a stand-in WhatsApp server on this machine, with a phone driven from stdin.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the protocol simulator: a local stand-in for WhatsApp's servers and phones.",
        discussion: """
            The simulator speaks the real protocol (Noise over WebSocket on /ws/chat, binary \
            nodes, linking by QR code or pairing code, login, prekeys, keepalive) but signs its \
            certificates with its own root, so a client connects to the printed URL and must trust \
            the printed root public key instead of WhatsApp's. Accounts and linked devices are \
            kept in the --state file across runs.

            At start it prints `root public key: <hex>` and, once bound, \
            `listening on ws://<host>:<port>/ws/chat` (wss with TLS). Then it reads commands from \
            stdin, one a line, to act as the phone:

            \(PhoneCommand.usage)

            At the end of stdin it keeps serving (so it can run detached) until SIGINT or \
            SIGTERM, which stop it gracefully. Logs go to stderr.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (the bound port is printed).")
    var port = 8090

    @Option(help: ArgumentHelp("The JSON file accounts and linked devices are kept in.", valueName: "path"))
    var state = "./data/simulator.json"

    @Flag(help: "Keep accounts and devices in memory only; --state is ignored.")
    var ephemeral = false

    @Option(
        help: ArgumentHelp(
            "The certificate root's private key (64 hex digits), to keep one root across runs. "
                + "Without it each run makes a fresh root, and clients must be given its public key.",
            valueName: "hex"))
    var rootPrivateKey: String?

    @Option(
        help: ArgumentHelp(
            "A PEM certificate (chain) to serve wss:// with; needs --tls-key.", valueName: "pem"))
    var tlsCertificate: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-certificate.", valueName: "pem"))
    var tlsKey: String?

    @Option(help: "Seconds a companion shows its first QR code.")
    var qrFirstSeconds = 60

    @Option(help: "Seconds it shows each later QR code.")
    var qrLaterSeconds = 20

    @Option(help: "QR codes (refs) a companion is given before the server gives up on it.")
    var qrCount = 6

    @Option(help: "The lowest level of log written to stderr.")
    var logLevel = LogLevelOption.info

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        if let rootPrivateKey, HexKey.parse(rootPrivateKey) == nil {
            throw ValidationError("--root-private-key must be 64 hex digits (32 bytes)")
        }
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): break
        case (let certificate?, let key?):
            for (flag, path) in [("--tls-certificate", certificate), ("--tls-key", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag): cannot read \(path)")
            }
        default:
            throw ValidationError("--tls-certificate and --tls-key go together: give both or neither")
        }
        guard qrFirstSeconds > 0, qrLaterSeconds > 0 else {
            throw ValidationError("--qr-first-seconds and --qr-later-seconds must be above 0")
        }
        guard (1...20).contains(qrCount) else { throw ValidationError("--qr-count must be 1 to 20") }
        if !ephemeral, state.isEmpty { throw ValidationError("--state needs a path (or pass --ephemeral)") }
    }

    func run() async throws {
        LoggingSystem.bootstrapStandardError(level: logLevel)
        let rootKey = try rootKeyPair()
        let statePath = ephemeral ? nil : try prepareStateFolder()
        let configuration = SimulatorConfiguration(
            host: host, port: port, rootKey: rootKey, refsPerPairing: qrCount,
            firstQRTimeout: .seconds(qrFirstSeconds), laterQRTimeout: .seconds(qrLaterSeconds),
            tls: tlsCertificate.flatMap { certificate in
                tlsKey.map { .init(certificatePath: certificate, privateKeyPath: $0) }
            },
            statePath: statePath)
        let simulator = try Simulator(configuration: configuration)

        Terminal.say("root public key: \(HexKey.format(simulator.rootPublicKey))")
        if rootPrivateKey == nil {
            Terminal.say(
                "note: this run made a fresh certificate root; clients must trust the key above. "
                    + "To keep it across runs, pass --root-private-key \(HexKey.format(rootKey.privateKey))")
        }
        if let statePath {
            Terminal.say("state: \(statePath) (linked devices: \(await simulator.devices().count))")
        } else {
            Terminal.say("state: in memory only")
        }
        let ending = try await serve(simulator, configuration: configuration)
        Logger(label: "zapgate.sim").info("stopped", metadata: ["why": "\(ending)"])
        if case .serverStopped = ending { throw ExitCode.failure }
    }

    /// Why serving stopped.
    private enum Ending: CustomStringConvertible {
        case quit
        case signal(Int32)
        /// The server ended without being asked to.
        case serverStopped

        var description: String {
            switch self {
            case .quit: "quit typed"
            case .signal(let number): "signal \(number)"
            case .serverStopped: "the server stopped on its own"
            }
        }
    }

    /// Serves until `quit`, SIGINT or SIGTERM, reading phone commands from stdin meanwhile.
    /// The end of stdin only ends the reading.
    private func serve(_ simulator: Simulator, configuration: SimulatorConfiguration) async throws -> Ending {
        let scheme = configuration.tls == nil ? "ws" : "wss"
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Commands wait for the server to be up, so their answers follow the `listening` line.
        let (listening, signalListening) = AsyncStream.makeStream(of: Void.self)
        return try await withThrowingTaskGroup(of: Ending?.self) { group in
            group.addTask {
                defer { signalListening.finish() }
                try await simulator.run { port in
                    Terminal.say("listening on \(scheme)://\(shownHost):\(port)\(configuration.path)")
                    Terminal.say("type help for the phone commands (scan, code, devices, remove, …, quit)")
                    signalListening.yield()
                }
                // Cancelled means an ending was already chosen.
                return Task.isCancelled ? nil : .serverStopped
            }
            group.addTask {
                var started = listening.makeAsyncIterator()
                guard await started.next() != nil else { return nil }
                let console = PhoneConsole(simulator: simulator)
                if await console.run(Terminal.standardInputLines()) { return .quit }
                if !Task.isCancelled {
                    Logger(label: "zapgate.sim").info("stdin closed; serving until SIGINT or SIGTERM")
                }
                return nil
            }
            group.addTask { await TerminationSignal.next().map { .signal($0) } }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let ending = next { return ending }
            }
            return .quit
        }
    }

    private func rootKeyPair() throws -> Curve25519KeyPair {
        guard let rootPrivateKey else { return .generate() }
        guard let bytes = HexKey.parse(rootPrivateKey), let pair = try? Curve25519KeyPair(privateKey: bytes)
        else { throw ValidationError("--root-private-key must be 64 hex digits (32 bytes)") }
        return pair
    }

    /// Makes the state file's folder, so the default `./data/simulator.json` works from a
    /// fresh checkout.
    private func prepareStateFolder() throws -> String {
        let folder = URL(fileURLWithPath: state).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--state: cannot create the folder \(folder.path): \(error)")
        }
        return state
    }
}
