import Foundation
import Logging
import ZapgateEngine
import ZapgateGateway
import ZapgateNoise
import ZapgateSimulator

/// Resident memory per connected instance in a gateway process.
///
/// The simulator runs in this process; the gateway runs in a child process (this executable
/// with `gateway-child`) whose sessions connect to it, so the child's VmRSS is the gateway's
/// alone. After one tenant and its key exist, the baseline is read; then `count` instances are
/// created through the API and linked, each to a phone account of its own that scans the
/// instance's QR code from `GET …/qr`; once every instance is `connected` and a settling pause
/// has passed, VmRSS is read again.
enum GatewayMemoryBenchmark {
    static func run(count: Int, databaseURL: String?, preKeys: Int?, concurrency: Int) async throws {
        let running = try await BenchmarkSimulator.start()
        defer { running.server.cancel() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "zg-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let portFile = folder.appendingPathComponent("port")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["gateway-child"]
        var environment = ProcessInfo.processInfo.environment
        environment["ZGB_DATA"] = folder.appendingPathComponent("data").path
        environment["ZGB_PORT_FILE"] = portFile.path
        environment["ZGB_WHATSAPP_URL"] = running.url
        environment["ZGB_ROOT_KEY"] = running.simulator.rootPublicKey.map { String(format: "%02x", $0) }
            .joined()
        if let databaseURL { environment["ZGB_DATABASE_URL"] = databaseURL }
        if let preKeys { environment["ZGB_PREKEYS"] = String(preKeys) }
        child.environment = environment
        try child.run()
        defer {
            if child.isRunning {
                child.terminate()
                child.waitUntilExit()
            }
        }
        let port = try await readPort(portFile, child: child)
        let http = GatewayHTTP(port: port, connections: concurrency)
        defer { Task { await http.shutdown() } }

        let key = try await http.tenant(adminKey: GatewayThroughputBenchmark.adminKey, instances: count)
        try await Task.sleep(for: .seconds(2))
        let baseline = resident(child.processIdentifier)

        let start = ContinuousClock.now
        let next = Tickets()
        let linked = Tickets()
        let simulator = running.simulator
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < count else { return }
                        try await link(index: index, http: http, key: key, simulator: simulator)
                        let done = linked.take() + 1
                        if done % 100 == 0 {
                            FileHandle.standardError.write(
                                Data("linked \(done)/\(count) in \(ContinuousClock.now - start)\n".utf8))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let linking = ContinuousClock.now - start
        // Let the post-link work (prekey uploads, presence, status writes) finish before measuring
        // idle connected instances, then check that all of them are still connected.
        try await Task.sleep(for: .seconds(15))
        let connected = try await http.metric("zapgate_instance_status{") {
            $0.contains("status=\"connected\"")
        }
        let after = resident(child.processIdentifier)
        let backend = (databaseURL ?? "sqlite").hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        print(
            "| backend | instances | connected | linking took | RSS baseline | RSS connected | RSS per instance |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        print(
            "| \(backend) | \(count) | \(Int(connected)) | \(String(format: "%.1f", seconds(linking))) s | "
                + "\(baseline / 1024) KiB | \(after / 1024) KiB | "
                + "\(String(format: "%.1f", Double(after - baseline) / Double(count) / 1024)) KiB |")
        print("\n(one-time prekeys per device at link: \(preKeys.map(String.init) ?? "812, the default"))")
    }

    /// Creates instance `index`, has its own phone scan its QR code, and waits until it is connected.
    private static func link(index: Int, http: GatewayHTTP, key: String, simulator: Simulator) async throws {
        let created = try await http.expect(
            201, .POST, "/v1/instances", key: key, json: ["name": "i\(index)", "connect": true])
        guard let id = created["id"] as? String else { throw BenchmarkError.notLinked }
        let phone = try await simulator.phone(String(15_560_000_000 + index))
        let qr = try await http.waitFor(
            "/v1/instances/\(id)/qr", key: key, interval: .milliseconds(100), "a QR code"
        ) { $0.status == 200 }
        guard let code = qr.json["code"] as? String else { throw BenchmarkError.notLinked }
        _ = try await phone.scan(code)
        try await http.waitFor("/v1/instances/\(id)", key: key, interval: .milliseconds(200), "connected") {
            $0.json["status"] as? String == "connected"
        }
    }

    private static func readPort(_ file: URL, child: Process) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return port
            }
            guard child.isRunning else { throw BenchmarkError.childFailed(child.terminationStatus) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkError.simulatorDidNotStart
    }

    /// VmRSS of process `pid`, in bytes.
    static func resident(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}

/// The child side: a gateway whose sessions connect to the parent's simulator; it writes its
/// port to `ZGB_PORT_FILE` and runs until SIGTERM.
enum GatewayChild {
    static func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let data = environment["ZGB_DATA"], let portFile = environment["ZGB_PORT_FILE"],
            let url = environment["ZGB_WHATSAPP_URL"], let rootHex = environment["ZGB_ROOT_KEY"]
        else { throw BenchmarkError.notLinked }
        var root = Data()
        var digits = rootHex[...]
        while digits.count >= 2, let byte = UInt8(digits.prefix(2), radix: 16) {
            root.append(byte)
            digits = digits.dropFirst(2)
        }
        var configuration = GatewayConfiguration(
            port: 0, dataDirectory: data, databaseURL: environment["ZGB_DATABASE_URL"],
            masterKey: String(repeating: "ab", count: 32), adminKey: GatewayThroughputBenchmark.adminKey)
        var verifier = NoiseCertificateVerifier()
        verifier.trustedRootKey = root
        configuration.session.noise = .init(url: url, origin: nil, verifier: verifier)
        configuration.session.media.scheme = "http"
        if let preKeys = environment["ZGB_PREKEYS"].flatMap({ Int($0) }) {
            configuration.session.initialPreKeyCount = preKeys
        }
        var logger = Logger(
            label: "zapgate.benchmark.child", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        try await GatewayServer.run(configuration, logger: logger) { started in
            try? Data("\(started.port)\n".utf8).write(to: URL(fileURLWithPath: portFile))
        }
    }
}
