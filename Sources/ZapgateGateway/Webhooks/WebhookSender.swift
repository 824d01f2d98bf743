import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Makes one signed POST of an event to a subscriber and reports what came back.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let timeout: Duration

    /// What one attempt got.
    struct Result: Sendable {
        var startedAt: Date
        /// The status code; nil when no answer came.
        var statusCode: Int?
        /// Why it failed, for the delivery log (a status code alone says enough for 2xx).
        var error: String?
        var latency: Duration
    }

    /// A client for webhooks only: redirects are not followed (a 3xx is a failed attempt, so
    /// a receiver cannot bounce our signed requests elsewhere).
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.decompression = .disabled
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
        do {
            let response = try await client.execute(
                request, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            // Read what the receiver says, but keep only the start of it for the log.
            var excerpt = ""
            for try await chunk in response.body where excerpt.utf8.count < 200 {
                excerpt += String(buffer: chunk)
            }
            let status = Int(response.status.code)
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

    private static func describe(_ error: any Error) -> String {
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
