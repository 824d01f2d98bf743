import Foundation
import Logging
import ZapgateGateway

/// Accepted → acknowledged messages per second through the HTTP API.
///
/// A gateway runs in this process with the sandbox (the simulator and scripted phones, also in
/// this process). One tenant links one instance to a sandbox phone by QR code; a second phone is
/// the recipient. After one warm-up message, `clients` concurrent callers POST `count` texts;
/// the clock runs from the first POST until `/metrics` shows every message `sent` (the server
/// acknowledged it). The accept rate counts the 202s alone.
enum GatewayThroughputBenchmark {
    static let adminKey = "zga_benchmark-admin-key-0123456789abcdef"

    static func run(count: Int, clients: Int, databaseURL: String?) async throws {
        let gateway = try await InProcessGateway.start(databaseURL: databaseURL, sandbox: true)
        let http = GatewayHTTP(port: gateway.port, connections: clients)
        do {
            try await measure(http: http, count: count, clients: clients, databaseURL: databaseURL)
        } catch {
            await http.shutdown()
            await gateway.stop()
            throw error
        }
        await http.shutdown()
        await gateway.stop()
    }

    private static func measure(http: GatewayHTTP, count: Int, clients: Int, databaseURL: String?)
        async throws
    {
        let key = try await http.tenant(adminKey: adminKey, instances: 1)
        let instance = try await http.expect(
            201, .POST, "/v1/instances", key: key, json: ["name": "sender", "connect": true])
        guard let id = instance["id"] as? String else { throw BenchmarkError.notLinked }
        let (sender, recipient) = ("15550001001", "15550001002")
        for number in [sender, recipient] {
            try await http.expect(201, .POST, "/sandbox/phones", json: ["phoneNumber": number])
        }
        let qr = try await http.waitFor("/v1/instances/\(id)/qr", key: key, "a QR code") { $0.status == 200 }
        guard let code = qr.json["code"] as? String else { throw BenchmarkError.notLinked }
        try await http.expect(200, .POST, "/sandbox/phones/\(sender)/scan", json: ["qr": code])
        try await http.waitFor("/v1/instances/\(id)", key: key, "connected") {
            $0.json["status"] as? String == "connected"
        }
        let path = "/v1/instances/\(id)/messages"
        let sentMetric = "zapgate_messages_sent_total{"
        // Warm-up: the Signal sessions to the recipient's phone and our own phone exist after it.
        try await http.expect(
            202, .POST, path, key: key, json: ["to": recipient, "type": "text", "text": "warm-up"])
        try await waitForSent(http, sentMetric, 1)

        let next = Tickets()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < count else { return }
                        let answer = try await http.call(
                            .POST, path, key: key,
                            json: ["to": recipient, "type": "text", "text": "benchmark message \(index)"])
                        guard answer.status == 202 else {
                            throw BenchmarkError.linkFailed("send \(index): \(answer.status) \(answer.text)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let accepted = ContinuousClock.now - start
        try await waitForSent(http, sentMetric, Double(count + 1))
        let allSent = ContinuousClock.now - start
        let failed = try await http.metric("zapgate_messages_failed_total{")
        let backend = (databaseURL ?? "sqlite").hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        print("| backend | messages | clients | all accepted | 202s/s | all sent | sent/s | failed |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        print(
            "| \(backend) | \(count) | \(clients) | \(String(format: "%.2f", seconds(accepted))) s | "
                + "\(String(format: "%.0f", Double(count) / seconds(accepted))) | "
                + "\(String(format: "%.2f", seconds(allSent))) s | "
                + "\(String(format: "%.0f", Double(count) / seconds(allSent))) | \(Int(failed)) |")
    }

    /// Polls `/metrics` (one small request every 20 ms) until `metric` reaches `target`.
    private static func waitForSent(_ http: GatewayHTTP, _ metric: String, _ target: Double) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while try await http.metric(metric) < target {
            guard ContinuousClock.now < deadline else { throw BenchmarkError.linkFailed("messages not sent") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A gateway run by `GatewayServer.run` in this process on a scratch data folder.
struct InProcessGateway {
    let port: Int
    let folder: URL
    let server: Task<Void, any Error>

    static func start(
        databaseURL: String?, sandbox: Bool, session: ((inout GatewayConfiguration) -> Void)? = nil
    ) async throws -> InProcessGateway {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "zg-bench-\(UUID().uuidString)")
        var configuration = GatewayConfiguration(
            port: 0, dataDirectory: folder.path, databaseURL: databaseURL,
            masterKey: String(repeating: "ab", count: 32), adminKey: GatewayThroughputBenchmark.adminKey,
            sandbox: sandbox)
        session?(&configuration)
        var logger = Logger(
            label: "zapgate.benchmark", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .warning
        let (started, signal) = AsyncStream.makeStream(of: Int.self)
        let server = Task { [configuration] in
            defer { signal.finish() }
            try await GatewayServer.run(configuration, logger: logger) { signal.yield($0.port) }
        }
        var iterator = started.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value
            throw BenchmarkError.simulatorDidNotStart
        }
        return InProcessGateway(port: port, folder: folder, server: server)
    }

    func stop() async {
        server.cancel()
        _ = await server.result
        try? FileManager.default.removeItem(at: folder)
    }
}
