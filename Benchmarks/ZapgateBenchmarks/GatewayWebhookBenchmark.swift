import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import ZapgateGateway

/// Inbound message → webhook POST, through the whole gateway.
///
/// A gateway runs in this process with the sandbox; one instance is linked to a sandbox phone
/// and a second phone writes to it. A receiver on 127.0.0.1 (Hummingbird, answering 204 at
/// once) is subscribed to `message.received`.
///
/// 1. Latency: the phone sends `latencyCount` texts at `rate` per second; each latency runs
///    from just before the phone's send to the receiver's arrival of that message's event
///    (simulator relay, decryption, the store's transaction with the event, the dispatcher,
///    the signed POST). Reported as p50, p99 and max.
/// 2. Delivery rate: with the receiver down, the phone sends `backlog` texts; the receiver
///    comes back and the clock runs until it has them all. One instance is one lane (in order,
///    one request at a time), so this is the rate of a single ordered lane.
enum GatewayWebhookBenchmark {
    static func run(rate: Double, latencyCount: Int, backlog: Int, databaseURL: String?) async throws {
        let receiver = BenchReceiver()
        try await receiver.start()
        let gateway = try await InProcessGateway.start(databaseURL: databaseURL, sandbox: true) {
            configuration in
            configuration.webhooks = WebhookSettings(
                attemptTimeout: .seconds(5), initialBackoff: .milliseconds(20),
                maximumBackoff: .milliseconds(100),
                allowPrivateTargets: true)
        }
        let http = GatewayHTTP(port: gateway.port, connections: 16)
        do {
            try await measure(
                http, receiver, rate: rate, latencyCount: latencyCount, backlog: backlog, databaseURL)
        } catch {
            await http.shutdown()
            await gateway.stop()
            await receiver.stop()
            throw error
        }
        await http.shutdown()
        await gateway.stop()
        await receiver.stop()
    }

    private static func measure(
        _ http: GatewayHTTP, _ receiver: BenchReceiver, rate: Double, latencyCount: Int, backlog: Int,
        _ databaseURL: String?
    ) async throws {
        let key = try await http.tenant(adminKey: GatewayThroughputBenchmark.adminKey, instances: 1)
        let instance = try await http.expect(
            201, .POST, "/v1/instances", key: key, json: ["name": "inbox", "connect": true])
        guard let id = instance["id"] as? String else { throw BenchmarkError.notLinked }
        let (linked, writer) = ("15550002001", "15550002002")
        for number in [linked, writer] {
            try await http.expect(201, .POST, "/sandbox/phones", json: ["phoneNumber": number])
        }
        let qr = try await http.waitFor("/v1/instances/\(id)/qr", key: key, "a QR code") { $0.status == 200 }
        guard let code = qr.json["code"] as? String else { throw BenchmarkError.notLinked }
        try await http.expect(200, .POST, "/sandbox/phones/\(linked)/scan", json: ["qr": code])
        try await http.waitFor("/v1/instances/\(id)", key: key, "connected") {
            $0.json["status"] as? String == "connected"
        }
        try await http.expect(
            201, .POST, "/v1/webhooks", key: key,
            json: ["url": "http://127.0.0.1:\(receiver.port)/hook", "events": ["message.received"]])
        let send = { @Sendable (text: String) async throws in
            let answer = try await http.call(
                .POST, "/sandbox/phones/\(writer)/messages", json: ["to": linked, "text": text])
            guard (200..<300).contains(answer.status) else {
                throw BenchmarkError.linkFailed("phone send: \(answer.status) \(answer.text)")
            }
        }
        // Warm-up: the Signal session between the phones' devices exists after it.
        try await send("warm-up")
        try await receiver.waitFor(["warm-up"])

        // 1. Latency at a sustained rate.
        let texts = (0..<latencyCount).map { "latency \($0)" }
        let sentAt = Stamps()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, text) in texts.enumerated() {
                try await Task.sleep(until: start + .seconds(Double(index) / rate))
                group.addTask {
                    sentAt.times.withLock { $0[text] = .now }
                    try await send(text)
                }
            }
            try await group.waitForAll()
        }
        let offered = ContinuousClock.now - start
        try await receiver.waitFor(texts)
        let arrivals = receiver.arrivals
        let latencies = sentAt.times.withLock { sent in
            texts.compactMap { text in arrivals[text].flatMap { arrival in sent[text].map { arrival - $0 } } }
        }.sorted()
        func percentile(_ p: Double) -> Double {
            seconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) * 1000
        }
        let backend = (databaseURL ?? "sqlite").hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        print("| backend | messages | offered rate | p50 | p99 | max |")
        print("|---|---:|---:|---:|---:|---:|")
        print(
            "| \(backend) | \(latencies.count) | \(String(format: "%.1f", Double(latencyCount) / seconds(offered)))/s | "
                + "\(String(format: "%.1f", percentile(0.5))) ms | \(String(format: "%.1f", percentile(0.99))) ms | "
                + "\(String(format: "%.1f", seconds(latencies.last ?? .zero) * 1000)) ms |")

        // 2. A backlog delivered to a receiver that comes back.
        await receiver.stop()
        let backlogTexts = (0..<backlog).map { "backlog \($0)" }
        let next = Tickets()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < backlog else { return }
                        try await send(backlogTexts[index])
                    }
                }
            }
            try await group.waitForAll()
        }
        // Every backlog message stored (with its event) before the receiver comes back.
        let target = Double(1 + latencyCount + backlog)
        while try await http.metric("zapgate_messages_received_total{") < target {
            try await Task.sleep(for: .milliseconds(100))
        }
        let resumed = ContinuousClock.now
        try await receiver.start()
        try await receiver.waitFor(backlogTexts, timeout: .seconds(600))
        let drained = ContinuousClock.now - resumed
        print("")
        print("| backend | backlog | delivered in | events/s (one lane) |")
        print("|---|---:|---:|---:|")
        print(
            "| \(backend) | \(backlog) | \(String(format: "%.2f", seconds(drained))) s | "
                + "\(String(format: "%.0f", Double(backlog) / seconds(drained))) |")
    }
}

/// When each text was sent.
final class Stamps: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
}

/// A receiver that answers 204 at once and notes when each message's event arrived.
final class BenchReceiver: Sendable {
    private struct State {
        var arrivals: [String: ContinuousClock.Instant] = [:]
        var port = 0
        var group: ServiceGroup?
        var server: Task<Void, any Error>?
    }

    private let state = Mutex(State())

    var port: Int { state.withLock { $0.port } }
    var arrivals: [String: ContinuousClock.Instant] { state.withLock { $0.arrivals } }

    func start() async throws {
        let previous = port
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let now = ContinuousClock.now
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
            if let text = (object?["data"] as? [String: Any])?["text"] as? String {
                self.state.withLock { $0.arrivals[text] = $0.arrivals[text] ?? now }
            }
            return Response(status: .noContent)
        }
        var logger = Logger(label: "zapgate.benchmark.receiver")
        logger.logLevel = .critical
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: previous)),
            onServerRunning: { channel in signal.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [app], logger: logger)
        let server = Task {
            defer { signal.finish() }
            try await group.run()
        }
        var iterator = listening.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value
            throw BenchmarkError.simulatorDidNotStart
        }
        state.withLock {
            $0.port = port
            $0.group = group
            $0.server = server
        }
    }

    func stop() async {
        let (group, server) = state.withLock { ($0.group, $0.server) }
        await group?.triggerGracefulShutdown()
        _ = await server?.result
    }

    func waitFor(_ texts: [String], timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let missing = state.withLock { state in texts.contains { state.arrivals[$0] == nil } }
            if !missing { return }
            guard ContinuousClock.now < deadline else { throw BenchmarkError.linkFailed("webhooks missing") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
