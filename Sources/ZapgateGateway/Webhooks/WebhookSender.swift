import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Makes one signed POST of an event to a subscriber and reports what came back.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let timeout: Duration
    /// Whether targets on loopback and private networks are allowed; when not, the host's
    /// addresses are checked before every attempt, and the request goes to the checked one.
    let allowPrivateTargets: Bool
    /// Clients tied to the checked address of a host name.
    let pinned: PinnedClients
    /// Checks a target host before an attempt (the tests put a stand-in resolver here). A
    /// refusal parks the delivery; an unresolved name fails the attempt, which is retried.
    var check: @Sendable (_ host: String) async -> OutboundTarget.Check = OutboundTarget.check

    init(client: HTTPClient, timeout: Duration, allowPrivateTargets: Bool) {
        self.client = client
        self.timeout = timeout
        self.allowPrivateTargets = allowPrivateTargets
        self.pinned = PinnedClients(requestTimeout: timeout) { Self.makeClient(dnsOverride: $0) }
    }

    /// What one attempt got.
    struct Result: Sendable {
        var startedAt: Date
        /// The status code; nil when no answer came.
        var statusCode: Int?
        /// Why it failed, for the delivery log (a status code alone says enough for 2xx).
        var error: String?
        var latency: Duration
        /// Not sent: the target is not allowed (it resolves to a private address).
        var refused = false
    }

    /// A client for webhooks only: redirects are not followed (a 3xx is a failed attempt, so
    /// a receiver cannot bounce our signed requests elsewhere), and a connection that cannot be
    /// made fails the attempt at once. Our own backoff spaces the retries; left to the client,
    /// a refused connection was retried inside the attempt, so a receiver that came back near
    /// the attempt's deadline could get the request and answer 2xx just after we had given up
    /// on it, and then get the event a second time.
    static func makeClient(dnsOverride: [String: String] = [:]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.decompression = .disabled
        configuration.dnsOverride = dnsOverride
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(
        _ body: String, eventID: String, eventType: String, attempt: Int, to url: String,
        secret: WebhookSecret
    ) async -> Result {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let bytes = Data(body.utf8)
        let timestamp = Int64(startedAt.timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Zapgate-Webhooks/1")
        request.headers.add(name: "webhook-id", value: eventID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature", value: secret.signature(id: eventID, timestamp: timestamp, body: bytes)
        )
        request.headers.add(name: "zapgate-event-type", value: eventType)
        request.headers.add(name: "zapgate-attempt", value: String(attempt))
        request.body = .bytes(ByteBuffer(data: bytes))
        var client = self.client
        if !allowPrivateTargets, let host = URL(string: url)?.host {
            switch await check(host) {
            case .refused(let why):
                return Result(
                    startedAt: startedAt, statusCode: nil, error: why, latency: clock.now - start,
                    refused: true)
            case .unresolved(let why):
                return Result(startedAt: startedAt, statusCode: nil, error: why, latency: clock.now - start)
            case .allowed(let address):
                client = await pinned.client(host: host, checked: address, otherwise: client)
            }
        }
        do {
            let (prepared, chosen) = (request, client)
            let (status, excerpt) = try await withinTimeout { try await exchange(prepared, with: chosen) }
            let ok = (200..<300).contains(status)
            let detail = excerpt.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
            return Result(
                startedAt: startedAt, statusCode: status,
                error: ok ? nil : "HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")",
                latency: clock.now - start)
        } catch {
            return Result(
                startedAt: startedAt, statusCode: nil, error: Self.describe(error), latency: clock.now - start
            )
        }
    }

    /// Sends the request and reads the status and the start of the answer.
    private func exchange(_ request: HTTPClientRequest, with client: HTTPClient) async throws -> (Int, String)
    {
        let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
        // Only the start of the answer goes in the log; the rest is not waited for.
        var excerpt = ""
        for try await chunk in response.body {
            excerpt += String(buffer: chunk)
            if excerpt.utf8.count >= 200 { break }
        }
        return (Int(response.status.code), excerpt)
    }

    /// Runs `body` with the attempt's whole time limit: the client's own deadline ends with the
    /// response's head, and a receiver that then trickles its body must not hold the lane.
    private func withinTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw AttemptTimedOut() }
            return value
        }
    }

    private struct AttemptTimedOut: Error {}

    private static func describe(_ error: any Error) -> String {
        if error is AttemptTimedOut { return "timed out" }
        // NIO describes a refused connection as a reset with the errno in brackets; the
        // delivery log is read by people, so say what happened.
        if let error = error as? IOError {
            return error.errnoCode == ECONNREFUSED ? "connection refused" : "connection failed: \(error)"
        }
        // A host name is dialled address by address (one may be unreachable, say IPv6 on a
        // host without it); a refusal among them is what the receiver's owner needs to know.
        if let error = error as? NIOConnectionError {
            let failures = error.connectionErrors.map(\.error)
            if failures.isEmpty { return "could not resolve \(error.host)" }
            if failures.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                return "connection refused"
            }
            return "connection failed: \(failures.map { "\($0)" }.joined(separator: "; "))"
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
