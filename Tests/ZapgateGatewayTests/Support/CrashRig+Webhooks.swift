import Foundation
import Testing
import ZapgateTestSupport

/// The webhook crash test's tenant: its API key, its one instance and the subscription that
/// posts every event of it to the test's receiver.
struct WebhookCrashSubject: Sendable {
    var key: String
    var instance: String
    var hook: String
}

/// One kill of the gateway: when SIGKILL was sent, and when the next gateway was started (the
/// killed one was reaped before that, so nothing it did can come later).
struct GatewayKill: Sendable {
    var cycle: Int
    var killedAt: Date
    var restartedAt: Date
}

/// What one webhook crash cycle does and when, drawn from a seeded generator so that a failing
/// run can be replayed.
struct WebhookCycleSchedule: Sendable {
    /// How long after the load starts the gateway gets SIGKILL.
    var killAfter: Duration
    /// The pause before each text phone C sends to the instance's account.
    var phoneGaps: [Duration]
    /// The pause before each text the instance sends to phone C through the API.
    var sendGaps: [Duration]

    static func draw(using generator: inout SeededGenerator) -> WebhookCycleSchedule {
        WebhookCycleSchedule(
            killAfter: .milliseconds(Int.random(in: 200...1_500, using: &generator)),
            phoneGaps: (0..<10).map { _ in .milliseconds(Int.random(in: 20...150, using: &generator)) },
            sendGaps: (0..<6).map { _ in .milliseconds(Int.random(in: 40...250, using: &generator)) })
    }
}

extension CrashRig {
    /// Makes a tenant, subscribes `receiver` to all its events, then creates an instance and
    /// links it to account A by QR code; phone C gets an account too. The subscription comes
    /// first so that every event of the instance, from seq 1, is delivered.
    func linkWebhookSubject(receiver: WebhookReceiver) async throws -> WebhookCrashSubject {
        let tenant = try await client.call(
            .POST, "/v1/tenants", key: Self.adminKey, json: ["name": "webhook-crash", "plan": "business"])
        guard tenant.status == 201, let tenantID = tenant.json["id"] as? String else {
            throw UnexpectedAnswer(what: "create tenant", answer: tenant)
        }
        let created = try await client.call(
            .POST, "/v1/tenants/\(tenantID)/keys", key: Self.adminKey, json: ["name": "main"])
        guard created.status == 201, let key = created.json["key"] as? String else {
            throw UnexpectedAnswer(what: "create API key", answer: created)
        }
        let hook = try await client.call(
            .POST, "/v1/webhooks", key: key, json: ["url": receiver.url, "events": ["*"]])
        guard hook.status == 201, let hookID = hook.json["id"] as? String,
            let secret = hook.json["secret"] as? String
        else { throw UnexpectedAnswer(what: "create webhook", answer: hook) }
        receiver.use(secret: secret)
        let instance = try await client.call(
            .POST, "/v1/instances", key: key, json: ["name": "main", "connect": true])
        guard instance.status == 201, let id = instance.json["id"] as? String else {
            throw UnexpectedAnswer(what: "create instance", answer: instance)
        }
        let qr = try await client.waitFor("/v1/instances/\(id)/qr", key: key, "a QR code") {
            $0.status == 200
        }
        let code = try #require(qr.json["code"] as? String)
        _ = try await simulator.phone(Self.phoneA).scan(code)
        try await client.waitFor("/v1/instances/\(id)", key: key, "the instance connected") {
            $0.json["status"] as? String == "connected"
        }
        _ = try await simulator.phone(Self.phoneC)
        return WebhookCrashSubject(key: key, instance: id, hook: hookID)
    }

    /// One cycle: phone C texts the instance and the instance texts phone C through the API,
    /// both paced by `schedule`, while the gateway delivers the events they make; the gateway
    /// is killed part-way, the load runs to its end (phone C's texts wait for the instance at
    /// the simulator), and a new gateway is started on the same data and must reconnect the
    /// instance without a scan. Returns when it was killed and restarted.
    func webhookCrashCycle(_ cycle: Int, _ subject: WebhookCrashSubject, _ schedule: WebhookCycleSchedule)
        async throws -> GatewayKill
    {
        async let texts: Void = phoneTexts(cycle, gaps: schedule.phoneGaps)
        async let sends: Void = apiSends(cycle, subject, gaps: schedule.sendGaps)
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: schedule.killAfter)
        let killedAt = Date()
        await crashGateway()
        let killed = clock.now
        _ = try await (texts, sends)
        let restartedAt = Date()
        try await startGateway()
        let listening = clock.now
        try await waitUntilBack(subject)
        print(
            "cycle \(cycle): killed after \(killed - start), listening again after \(listening - killed), "
                + "connected after \(clock.now - listening)")
        return GatewayKill(cycle: cycle, killedAt: killedAt, restartedAt: restartedAt)
    }

    /// Phone C texts account A (whose only companion is the instance), gateway up or not.
    private func phoneTexts(_ cycle: Int, gaps: [Duration]) async throws {
        let phone = try await simulator.phone(Self.phoneC)
        let to = try await simulator.phone(Self.phoneA).jid
        for (index, gap) in gaps.enumerated() {
            try await Task.sleep(for: gap)
            _ = try await phone.send(.text("to the instance, cycle \(cycle) #\(index)"), to: to)
        }
    }

    /// The instance texts phone C through the API (each send makes `message.status` events as
    /// it moves on). Requests the killed gateway does not answer are simply dropped: whatever
    /// it logged is what must be delivered.
    private func apiSends(_ cycle: Int, _ subject: WebhookCrashSubject, gaps: [Duration]) async throws {
        for (index, gap) in gaps.enumerated() {
            try await Task.sleep(for: gap)
            let text = "to phone C, cycle \(cycle) #\(index)"
            guard
                let answer = try? await client.call(
                    .POST, "/v1/instances/\(subject.instance)/messages", key: subject.key,
                    json: ["to": Self.phoneC, "type": "text", "text": text])
            else { continue }
            guard answer.status == 202 else { throw UnexpectedAnswer(what: "send \(text)", answer: answer) }
        }
    }

    /// Waits until the restarted gateway is ready and the instance is connected again from its
    /// stored credentials; fails at once if it asks to be linked again.
    func waitUntilBack(_ subject: WebhookCrashSubject) async throws {
        try await client.waitFor("/ready", key: nil, "the gateway ready") { $0.status == 200 }
        try await client.waitFor(
            "/v1/instances/\(subject.instance)", key: subject.key, "the instance connected again",
            check: { answer in
                let status = answer.json["status"] as? String ?? ""
                if ["awaiting_link", "failed", "logged_out"].contains(status) {
                    throw UnexpectedAnswer(what: "the instance after a restart", answer: answer)
                }
            },
            until: { $0.json["status"] as? String == "connected" })
        let devices = try await simulator.phone(Self.phoneA).devices()
        #expect(devices.count == 1, "account A has \(devices.count) linked devices")
    }

    /// The instance's whole event log, as GET /v1/instances/{id}/events lists it.
    func loggedEvents(_ subject: WebhookCrashSubject) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var position: Int64 = 0
        while true {
            let page = try await client.call(
                .GET, "/v1/instances/\(subject.instance)/events?after=\(position)&limit=100", key: subject.key
            )
            guard page.status == 200 else { throw UnexpectedAnswer(what: "list events", answer: page) }
            all += page.json["items"] as? [[String: Any]] ?? []
            let last = (page.json["lastSeq"] as? NSNumber)?.int64Value ?? position
            if last == position { return all }
            position = last
        }
    }

    /// The subscription's delivery log, every page.
    func webhookDeliveries(_ subject: WebhookCrashSubject) async throws -> [[String: Any]] {
        var all: [[String: Any]] = []
        var cursor: String?
        repeat {
            let path =
                "/v1/webhooks/\(subject.hook)/deliveries?limit=100" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await client.call(.GET, path, key: subject.key)
            guard page.status == 200 else { throw UnexpectedAnswer(what: "list deliveries", answer: page) }
            all += page.json["items"] as? [[String: Any]] ?? []
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        return all
    }

    /// One delivery with its attempt log, for failure messages.
    func webhookDelivery(_ subject: WebhookCrashSubject, eventID: String) async -> String {
        guard
            let answer = try? await client.call(
                .GET, "/v1/webhooks/\(subject.hook)/deliveries/\(eventID)", key: subject.key)
        else { return "(no answer)" }
        return answer.text
    }

    /// Waits until the load has settled (nothing queued to send) and the receiver has answered
    /// 2xx to every logged event, with every delivery recorded as delivered, twice in a row
    /// half a second apart (receipts may still add events after the queue is empty).
    func waitUntilWebhooksSettled(
        _ subject: WebhookCrashSubject, receiver: WebhookReceiver, timeout: Duration = .seconds(180)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var previous: Int?
        while true {
            let outbound = try await client.allMessages(
                instance: subject.instance, key: subject.key, direction: "outbound")
            let queued = outbound.count { $0["status"] as? String == "queued" }
            let logged = try await loggedEvents(subject)
            let answered = Set(receiver.accepted.map(\.id))
            let missing = logged.count { !answered.contains($0["id"] as? String ?? "") }
            let deliveries = try await webhookDeliveries(subject)
            let unfinished = deliveries.count { $0["state"] as? String != "delivered" }
            let settled = queued == 0 && missing == 0 && unfinished == 0 && deliveries.count == logged.count
            if settled && previous == logged.count { return }
            previous = settled ? logged.count : nil
            guard ContinuousClock.now < deadline else {
                throw GatewayHarness.WaitTimeout(
                    what:
                        "the webhooks settled (\(queued) queued to send, \(missing) of \(logged.count) events "
                        + "not answered 2xx, \(unfinished) of \(deliveries.count) deliveries not delivered)",
                    last: 200)
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
