import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A webhook receiver on 127.0.0.1 that records every request and answers as it is told:
/// accept, fail with a status, answer slowly, or be down altogether (its port closed).
/// It checks each signature itself with swift-crypto, apart from the gateway's code.
final class WebhookReceiver: Sendable {
    enum Behaviour: Sendable {
        case accept
        case fail(status: Int)
        /// Waits, then answers with `status`.
        case slow(Duration, status: Int)
    }

    /// One request as it arrived and how it was answered.
    struct Request: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var eventType: String
        var attempt: Int
        var body: Data
        var status: Int
        var answeredAt: Date
        var signatureValid: Bool

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var seq: Int64 { (json["seq"] as? NSNumber)?.int64Value ?? 0 }
        var instanceID: String { json["instanceId"] as? String ?? "" }
    }

    private struct State {
        var behaviour: Behaviour = .accept
        /// Answers to give before `behaviour` applies again, one per request.
        var script: [Behaviour] = []
        var requests: [Request] = []
        var key: Data?
        var port = 0
        var server: Task<Void, any Error>?
        var group: ServiceGroup?
    }

    private let state = Mutex(State())
    /// The loopback address it listens on.
    let host: String

    init(host: String = "127.0.0.1") {
        self.host = host
    }

    var port: Int { state.withLock { $0.port } }
    var url: String { "http://\(host):\(port)/hook" }
    var requests: [Request] { state.withLock { $0.requests } }

    /// Accepted requests (2xx) in arrival order.
    var accepted: [Request] { requests.filter { (200..<300).contains($0.status) } }

    /// The secret to check signatures with (`whsec_…`, as the gateway showed it).
    func use(secret: String) {
        let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        state.withLock { $0.key = key }
    }

    func behave(_ behaviour: Behaviour, after script: [Behaviour] = []) {
        state.withLock {
            $0.behaviour = behaviour
            $0.script = script
        }
    }

    /// Starts listening (on the same port as before, after `stop`).
    func start() async throws {
        let previous = port
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
            return await self.answer(request.headers, Data(buffer: body))
        }
        // For the media URL tests: a file, and a redirect to wherever `to` says (without it, to
        // itself, for ever).
        router.get("/file") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "image/png"],
                body: .init(byteBuffer: ByteBuffer(string: "png")))
        }
        router.get("/redirect") { request, _ -> Response in
            Response(
                status: .found,
                headers: [.location: request.uri.queryParameters["to"].map(String.init) ?? "/redirect"])
        }
        var logger = Logger(label: "zapgate.test.receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: previous)),
            onServerRunning: { channel in signal.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        // Run as a service so that stopping closes the port for real (graceful shutdown
        // closes the listening socket; cancelling alone may leave it accepting).
        let group = ServiceGroup(services: [app], logger: logger)
        let server = Task {
            defer { signal.finish() }
            try await group.run()
        }
        var iterator = listening.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await server.value
            throw ReceiverError.didNotStart
        }
        state.withLock {
            $0.port = port
            $0.server = server
            $0.group = group
        }
    }

    /// Closes the port: the gateway's connections are refused until `start`.
    func stop() async {
        let (server, group) = state.withLock { state -> (Task<Void, any Error>?, ServiceGroup?) in
            defer {
                state.server = nil
                state.group = nil
            }
            return (state.server, state.group)
        }
        await group?.triggerGracefulShutdown()
        _ = await server?.result
    }

    private func answer(_ headers: HTTPFields, _ body: Data) async -> Response {
        let behaviour = state.withLock { state in
            state.script.isEmpty ? state.behaviour : state.script.removeFirst()
        }
        let status: Int
        switch behaviour {
        case .accept: status = 200
        case .fail(let code): status = code
        case .slow(let wait, let code):
            try? await Task.sleep(for: wait)
            status = code
        }
        func header(_ name: String) -> String { HTTPField.Name(name).flatMap { headers[$0] } ?? "" }
        let (id, timestamp, signature) = (
            header("webhook-id"), header("webhook-timestamp"), header("webhook-signature")
        )
        let key = state.withLock { $0.key }
        var valid = false
        if let key {
            var signed = Data("\(id).\(timestamp).".utf8)
            signed.append(body)
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
            valid = signature == "v1," + Data(mac).base64EncodedString()
        }
        let request = Request(
            id: id, timestamp: timestamp, signature: signature, eventType: header("zapgate-event-type"),
            attempt: Int(header("zapgate-attempt")) ?? 0, body: body, status: status, answeredAt: Date(),
            signatureValid: valid)
        state.withLock { $0.requests.append(request) }
        return Response(status: .init(code: status))
    }

    /// Waits until `condition` holds for the requests so far.
    @discardableResult
    func waitUntil(
        timeout: Duration = .seconds(30), _ what: String, _ condition: ([Request]) -> Bool
    ) async throws -> [Request] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let seen = requests
            if condition(seen) { return seen }
            guard ContinuousClock.now < deadline else { throw ReceiverError.timedOut(what, seen.count) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    enum ReceiverError: Error, CustomStringConvertible {
        case didNotStart
        case timedOut(String, Int)

        var description: String {
            switch self {
            case .didNotStart: "the receiver did not start"
            case .timedOut(let what, let count): "timed out waiting for \(what) (\(count) requests so far)"
            }
        }
    }
}
