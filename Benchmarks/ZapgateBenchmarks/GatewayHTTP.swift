import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A small JSON client for a gateway on 127.0.0.1, as an API user would call it.
struct GatewayHTTP: Sendable {
    /// An answer: its status and its body as a JSON object (empty when it is not one).
    struct Answer: @unchecked Sendable {
        var status: Int
        var json: [String: Any]
        var text: String
    }

    let base: String
    let client: HTTPClient

    /// `connections` bounds the HTTP/1.1 connections kept to the gateway (one per concurrent caller).
    init(port: Int, connections: Int = 8) {
        base = "http://127.0.0.1:\(port)"
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async { try? await client.shutdown() }

    func call(_ method: HTTPMethod, _ path: String, key: String? = nil, json: [String: Any]? = nil)
        async throws -> Answer
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = Data(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        return Answer(
            status: Int(response.status.code),
            json: (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:],
            text: String(decoding: body, as: UTF8.self))
    }

    /// Calls and requires `status`; returns the JSON body.
    @discardableResult
    func expect(
        _ status: Int, _ method: HTTPMethod, _ path: String, key: String? = nil, json: [String: Any]? = nil
    ) async throws -> [String: Any] {
        let answer = try await call(method, path, key: key, json: json)
        guard answer.status == status else {
            throw BenchmarkError.linkFailed("\(method) \(path): \(answer.status) \(answer.text)")
        }
        return answer.json
    }

    /// Sets up the admin side: a plan allowing `instances`, a tenant on it and its API key.
    func tenant(adminKey: String, instances: Int) async throws -> String {
        try await expect(
            200, .PUT, "/v1/plans/bench", key: adminKey,
            json: ["maxInstances": instances, "linkAttemptsPerHour": 10_000])
        let tenant = try await expect(
            201, .POST, "/v1/tenants", key: adminKey, json: ["name": "bench", "plan": "bench"])
        guard let id = tenant["id"] as? String else { throw BenchmarkError.notLinked }
        let key = try await expect(
            201, .POST, "/v1/tenants/\(id)/keys", key: adminKey, json: ["name": "bench"])
        guard let secret = key["key"] as? String else { throw BenchmarkError.notLinked }
        return secret
    }

    /// Polls GET `path` every `interval` until `condition` holds (`timeout` at most).
    @discardableResult
    func waitFor(
        _ path: String, key: String?, timeout: Duration = .seconds(120),
        interval: Duration = .milliseconds(50),
        _ what: String, _ condition: (Answer) -> Bool
    ) async throws -> Answer {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await call(.GET, path, key: key)
            if condition(answer) { return answer }
            guard ContinuousClock.now < deadline else {
                throw BenchmarkError.linkFailed("timed out: \(what)")
            }
            try await Task.sleep(for: interval)
        }
    }

    /// The value of a `/metrics` counter or gauge line starting with `prefix` (summed), e.g.
    /// `zapgate_messages_sent_total{`.
    func metric(_ prefix: String, where filter: (Substring) -> Bool = { _ in true }) async throws -> Double {
        let answer = try await call(.GET, "/metrics")
        var total = 0.0
        for line in answer.text.split(separator: "\n") where line.hasPrefix(prefix) && filter(line) {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { total += value }
        }
        return total
    }
}

/// Seconds in a duration, as a Double.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// A counter shared by concurrent callers: each `take()` answers the next number from 0.
final class Tickets: Sendable {
    private let value = Mutex(0)

    func take() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
