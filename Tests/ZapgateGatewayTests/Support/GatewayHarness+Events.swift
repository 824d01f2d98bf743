import Foundation
import Testing

/// A subscription as the API created it.
struct TestWebhook: Sendable {
    var id: String
    var secret: String
}

extension GatewayHarness {
    /// Subscribes `receiver` to `tenant`'s events (of one instance, or all) and tells the
    /// receiver the secret to check signatures with.
    func webhook(
        _ tenant: TestTenant, to receiver: WebhookReceiver, events: [String] = ["*"], instance: String? = nil
    ) async throws -> TestWebhook {
        var body: [String: Any] = ["url": receiver.url, "events": events]
        if let instance { body["instanceId"] = instance }
        let created = try await call(.POST, "/v1/webhooks", key: tenant.key, json: body)
        try #require(created.status == 201, "create webhook: \(created.status) \(created.text)")
        let hook = TestWebhook(
            id: try #require(created.json["id"] as? String),
            secret: try #require(created.json["secret"] as? String))
        receiver.use(secret: hook.secret)
        return hook
    }

    /// The instance's events after `after`, as the API lists them.
    func events(_ tenant: TestTenant, _ instance: String, after: Int64 = 0, types: String? = nil) async throws
        -> [[String: Any]]
    {
        var all: [[String: Any]] = []
        var position = after
        while true {
            var path = "/v1/instances/\(instance)/events?after=\(position)&limit=100"
            if let types { path += "&types=\(types)" }
            let page = try await call(.GET, path, key: tenant.key)
            try #require(page.status == 200, "list events: \(page.status) \(page.text)")
            let items = page.json["items"] as? [[String: Any]] ?? []
            all += items
            let last = (page.json["lastSeq"] as? NSNumber)?.int64Value ?? position
            if last == position { return all }
            position = last
        }
    }

    /// A text from the sandbox phone `phone` to `to`.
    func phoneSends(_ phone: String, to: String, _ text: String) async throws {
        let sent = try await call(.POST, "/sandbox/phones/\(phone)/messages", json: ["to": to, "text": text])
        try #require(
            sent.status == 202 || sent.status == 201 || sent.status == 200, "phone send: \(sent.status)")
    }

    /// A subscription's deliveries (all pages), optionally of one state.
    func deliveries(_ tenant: TestTenant, _ hook: TestWebhook, state: String? = nil) async throws -> [[String:
        Any]]
    {
        var all: [[String: Any]] = []
        var cursor: String?
        repeat {
            var path = "/v1/webhooks/\(hook.id)/deliveries?limit=100"
            if let state { path += "&state=\(state)" }
            if let cursor { path += "&cursor=\(cursor)" }
            let page = try await call(.GET, path, key: tenant.key)
            try #require(page.status == 200, "list deliveries: \(page.status) \(page.text)")
            all += page.json["items"] as? [[String: Any]] ?? []
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        return all
    }
}

/// Reads with `read` every 50 ms until `done` holds for what it returns (for `timeout` at
/// most) and returns the last reading; the caller's expectations then say what was wrong, and
/// a timeout is recorded too, so a slow machine is told apart from a wrong answer.
func poll<T>(
    timeout: Duration = .seconds(30), _ read: () async throws -> T, until done: (T) -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var value = try await read()
    while !done(value) {
        guard ContinuousClock.now < deadline else {
            Issue.record("still not done after \(timeout)", sourceLocation: sourceLocation)
            return value
        }
        try await Task.sleep(for: .milliseconds(50))
        value = try await read()
    }
    return value
}

extension GatewayHarness {
    /// A new instance of `tenant`, connecting (showing QR codes, never linked); its id.
    func connectingInstance(_ tenant: TestTenant) async throws -> String {
        let created = try await call(
            .POST, "/v1/instances", key: tenant.key, json: ["name": "main", "connect": true])
        try #require(created.status == 201, "create instance: \(created.status) \(created.text)")
        return try #require(created.json["id"] as? String)
    }
}

extension Answer {
    var text: String { String(decoding: body, as: UTF8.self) }
}
