import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import ZapgateEngine
import ZapgateGateway
import ZapgateStore
import ZapgateStoreTestSupport

/// A gateway serving on 127.0.0.1 in this process, on a scratch database of either backend,
/// with the sandbox (simulator and scripted phones over HTTP) behind it.
final class GatewayHarness: Sendable {
    static let adminKey = "zga_test-admin-key-0123456789abcdef"

    let port: Int
    let client: HTTPClient
    private let server: Task<Void, any Error>

    private init(port: Int, client: HTTPClient, server: Task<Void, any Error>) {
        self.port = port
        self.client = client
        self.server = server
    }

    /// Runs `body` against a fresh gateway on a fresh database of `backend`.
    static func with<T: Sendable>(
        _ backend: TestBackend, webhooks: WebhookSettings = .testing, allowPrivateMediaURLs: Bool = true,
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        try await backend.withScratchLocation { location in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zg-gw-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let harness = try await start(
                location: location, dataDirectory: folder.path, webhooks: webhooks,
                allowPrivateMediaURLs: allowPrivateMediaURLs)
            do {
                let result = try await body(harness)
                await harness.stop()
                return result
            } catch {
                await harness.stop()
                throw error
            }
        }
    }

    static func start(
        location: StoreLocation, dataDirectory: String, webhooks: WebhookSettings = .testing,
        allowPrivateMediaURLs: Bool = true
    ) async throws -> GatewayHarness {
        var configuration = GatewayConfiguration(
            port: 0, dataDirectory: dataDirectory, databaseURL: location.urlString,
            masterKey: String(repeating: "ab", count: 32), adminKey: adminKey, sandbox: true,
            webhooks: webhooks)
        configuration.session.firstQRTimeout = .seconds(30)
        // Most tests fetch media from servers on 127.0.0.1 (the gateway's own /openapi.yaml).
        configuration.limits.allowPrivateMediaURLs = allowPrivateMediaURLs
        let (started, signal) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(
            label: "zapgate.test.gateway", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .error
        let server = Task {
            defer { signal.finish() }
            try await GatewayServer.run(configuration, logger: logger) { gateway in signal.yield(gateway.port)
            }
        }
        var iterator = started.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value
            throw HarnessError.didNotStart
        }
        return GatewayHarness(
            port: port, client: HTTPClient(eventLoopGroupProvider: .singleton), server: server)
    }

    func stop() async {
        try? await client.shutdown()
        server.cancel()
        _ = await server.result
    }

    enum HarnessError: Error { case didNotStart }
}

extension WebhookSettings {
    /// Receivers on 127.0.0.1, and retries in tens of milliseconds rather than seconds. The
    /// attempt timeout is long, so that a prompt answer is never late on a starved machine
    /// (a late 2xx is a repeat the exactly-once checks would count).
    static let testing = WebhookSettings(
        attemptTimeout: .seconds(30), initialBackoff: .milliseconds(50), maximumBackoff: .milliseconds(400),
        horizon: .seconds(3600), allowPrivateTargets: true, webhooksPerTenant: 1000)
}

/// An HTTP answer: status, headers and the whole body.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// A problem's `type` slug.
    var problem: String? {
        // The type is a URI whose last path segment is the slug.
        (json["type"] as? String).flatMap { $0.split(separator: "/").last.map(String.init) }
    }
}

extension GatewayHarness {
    /// Sends a request; `json` is serialised as the body.
    func call(
        _ method: HTTPMethod, _ path: String, key: String? = nil, json: [String: Any]? = nil,
        body: Data? = nil, headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.body = .bytes(ByteBuffer(data: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }

    /// Polls until `condition` holds for the answer to GET `path`, or fails after `timeout`.
    @discardableResult
    func waitFor(
        _ path: String, key: String?, timeout: Duration = .seconds(30), _ what: String,
        until condition: (Answer) -> Bool
    ) async throws -> Answer {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let answer = try await call(.GET, path, key: key)
            if condition(answer) { return answer }
            guard ContinuousClock.now < deadline else { throw WaitTimeout(what: what, last: answer.status) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    struct WaitTimeout: Error, CustomStringConvertible {
        var what: String
        var last: Int
        var description: String { "timed out waiting for \(what) (last status \(last))" }
    }
}
