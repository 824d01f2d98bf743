import Foundation
import Testing
import ZapgateGateway
import ZapgateStoreTestSupport

/// Webhooks over real HTTP: a receiver on 127.0.0.1 that fails on demand, the sandbox behind
/// the gateway, each case on SQLite and PostgreSQL.
@Suite("Gateway webhooks", .serialized)
struct GatewayWebhookTests {
    static let phone = "5511900000101"
    static let contact = "5511900000102"

    /// Down for a while, then up: every event arrives, in order, once per id, signed.
    @Test(arguments: TestBackend.allCases)
    func receiverDownThenUpGetsEveryEventInOrderOnce(_ backend: TestBackend) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        await receiver.stop()
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("clinic")
            let hook = try await gateway.webhook(tenant, to: receiver)
            let instance = try await gateway.linkedInstance(tenant, phoneNumber: Self.phone)
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": Self.contact])
            for number in 1...12 {
                try await gateway.phoneSends(Self.contact, to: Self.phone, "message \(number)")
            }
            let sent = try await gateway.send(
                tenant, instance, ["to": Self.contact, "type": "text", "text": "ok"])
            try await gateway.waitForStatus(tenant, instance, sent, "delivered")
            let logged = try await poll {
                try await gateway.events(tenant, instance)
            } until: {
                $0.filter { $0["type"] as? String == "message.received" }.count == 12
            }
            // While the receiver is down, deliveries wait with their failed attempts on record
            // (a refused connection fails its attempt at once; the backoff spaces the next).
            let waiting = try await poll {
                try await gateway.deliveries(tenant, hook, state: "pending")
            } until: {
                ($0.first?["attempts"] as? Int ?? 0) >= 1
            }
            let head = try #require(waiting.first)
            #expect((head["attempts"] as? Int ?? 0) >= 1)
            #expect(head["lastError"] as? String == "connection refused")
            #expect(waiting.count >= 12)

            try await receiver.start()
            let last = try #require((logged.last?["seq"] as? NSNumber)?.int64Value)
            let seen = try await receiver.waitUntil("every event up to \(last)") { requests in
                Set(requests.filter { (200..<300).contains($0.status) }.map(\.seq)).count >= Int(last)
            }
            let accepted = seen.filter { (200..<300).contains($0.status) }
            #expect(accepted.map(\.seq) == Array(1...last), "in order, each once")
            #expect(accepted.allSatisfy { $0.signatureValid })
            #expect(Set(accepted.map(\.id)).count == accepted.count)
            #expect(accepted.map(\.id) == logged.compactMap { $0["id"] as? String })
            let texts = accepted.filter { $0.eventType == "message.received" }.compactMap {
                ($0.json["data"] as? [String: Any])?["text"] as? String
            }
            #expect(texts == (1...12).map { "message \($0)" })
            // Nothing more comes once everything was answered 2xx.
            try await Task.sleep(for: .milliseconds(500))
            #expect(receiver.accepted.count == accepted.count)
            let delivered = try await poll {
                try await gateway.deliveries(tenant, hook)
            } until: {
                $0.allSatisfy { $0["state"] as? String == "delivered" }
            }
            #expect(delivered.allSatisfy { $0["state"] as? String == "delivered" })
        }
        await receiver.stop()
    }

    /// Answers slower than the attempt timeout count as failures and are retried.
    @Test(arguments: TestBackend.allCases)
    func slowAnswersTimeOutAndAreRetried(_ backend: TestBackend) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        var settings = WebhookSettings.testing
        // Long enough that a prompt answer is never late even on a starved machine; the slow
        // answers are three times as long.
        settings.attemptTimeout = .seconds(2)
        receiver.behave(.accept, after: [.slow(.seconds(6), status: 200), .slow(.seconds(6), status: 200)])
        try await GatewayHarness.with(backend, webhooks: settings) { gateway in
            let tenant = try await gateway.tenant("slow")
            let hook = try await gateway.webhook(tenant, to: receiver, events: ["instance.status"])
            let instance = try await gateway.connectingInstance(tenant)
            let first = try await receiver.waitUntil("an accepted delivery") {
                !$0.filter { $0.status == 200 && $0.attempt >= 3 }.isEmpty
            }
            let eventID = try #require(first.first?.id)
            let delivery = try await gateway.waitFor(
                "/v1/webhooks/\(hook.id)/deliveries/\(eventID)", key: tenant.key, "the delivery recorded"
            ) { $0.json["state"] as? String == "delivered" }
            let log = try #require(delivery.json["attemptLog"] as? [[String: Any]])
            // Two slow answers, then a prompt one (a starved moment could add a timed-out try).
            #expect(log.count >= 3)
            #expect(
                log.dropLast().allSatisfy { $0["error"] as? String == "timed out" && $0["statusCode"] == nil }
            )
            #expect(log.last?["statusCode"] as? Int == 200)
            #expect((log.first?["latencyMs"] as? Int ?? 0) >= 1900)
            // The receiver saw the id once per attempt (the slow ones answer late, after we gave
            // up): a late 2xx is not an answer the gateway got, so receivers deduplicate by id.
            let all = try await receiver.waitUntil("the late answers") { requests in
                requests.filter { $0.id == eventID }.count >= log.count
            }
            #expect(all.filter { $0.id == eventID }.count == log.count)
            _ = instance
        }
        await receiver.stop()
    }

    /// 410 parks a delivery at once; a replay sends it again.
    @Test(arguments: TestBackend.allCases)
    func goneParksAtOnceAndAReplayDelivers(_ backend: TestBackend) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        receiver.behave(.fail(status: 410))
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("gone")
            let hook = try await gateway.webhook(tenant, to: receiver, events: ["instance.status"])
            let instance = try await gateway.connectingInstance(tenant)
            try await gateway.waitFor("/v1/instances/\(instance)", key: tenant.key, "awaiting the link") {
                $0.json["status"] as? String == "awaiting_link"
            }
            // connecting, awaiting_link: each parked after its one attempt.
            var logged: [Int64] = []
            var parked: [[String: Any]] = []
            for _ in 0..<600 {
                logged = try await gateway.events(tenant, instance, types: "instance.status").compactMap {
                    ($0["seq"] as? NSNumber)?.int64Value
                }
                parked = try await gateway.deliveries(tenant, hook, state: "parked")
                if parked.count == logged.count { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(logged.count >= 2)
            #expect(parked.compactMap { ($0["seq"] as? NSNumber)?.int64Value } == logged)
            #expect(parked.allSatisfy { $0["attempts"] as? Int == 1 && $0["lastStatus"] as? Int == 410 })
            #expect(parked.allSatisfy { $0["parkedAt"] != nil })

            receiver.behave(.accept)
            let last = try #require(logged.last)
            let replay = try await gateway.call(
                .POST, "/v1/webhooks/\(hook.id)/replay", key: tenant.key,
                json: ["instanceId": instance, "fromSeq": 1, "toSeq": last])
            #expect(replay.status == 202)
            #expect(replay.json["queued"] as? Int == logged.count, "the filter leaves out the QR events")
            let seen = try await receiver.waitUntil("the replayed events") {
                $0.filter { $0.status == 200 }.count == logged.count
            }
            #expect(seen.filter { $0.status == 200 }.map(\.seq) == logged)
            // The receiver answers before the gateway records it; wait for the records.
            let after = try await poll {
                try await gateway.deliveries(tenant, hook)
            } until: {
                $0.allSatisfy { $0["state"] as? String == "delivered" }
            }
            #expect(after.allSatisfy { $0["state"] as? String == "delivered" && $0["attempts"] as? Int == 2 })
        }
        await receiver.stop()
    }

    /// Failing past the horizon parks a delivery after its retries; one event can be replayed.
    @Test(arguments: TestBackend.allCases)
    func failuresPastTheHorizonParkThenOneEventIsReplayed(_ backend: TestBackend) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        receiver.behave(.fail(status: 503))
        var settings = WebhookSettings.testing
        // Short, yet several backoffs long (50 ms doubling to 400 ms) on a loaded machine too.
        settings.horizon = .seconds(4)
        try await GatewayHarness.with(backend, webhooks: settings) { gateway in
            let tenant = try await gateway.tenant("failing")
            let hook = try await gateway.webhook(tenant, to: receiver, events: ["instance.status"])
            let instance = try await gateway.connectingInstance(tenant)
            let parked = try await poll {
                try await gateway.deliveries(tenant, hook, state: "parked")
            } until: {
                !$0.isEmpty
            }
            let first = try #require(parked.first)
            #expect((first["attempts"] as? Int ?? 0) >= 2, "retried with backoff before parking")
            #expect(first["lastStatus"] as? Int == 503)
            let eventID = try #require(first["eventId"] as? String)
            let detail = try await gateway.call(
                .GET, "/v1/webhooks/\(hook.id)/deliveries/\(eventID)", key: tenant.key)
            let log = try #require(detail.json["attemptLog"] as? [[String: Any]])
            #expect(log.count == first["attempts"] as? Int)
            #expect(log.allSatisfy { $0["statusCode"] as? Int == 503 })

            receiver.behave(.accept)
            let seq = try #require((first["seq"] as? NSNumber)?.int64Value)
            let replay = try await gateway.call(
                .POST, "/v1/webhooks/\(hook.id)/replay", key: tenant.key,
                json: ["instanceId": instance, "fromSeq": seq])
            #expect(replay.json["queued"] as? Int == 1)
            try await receiver.waitUntil("the replayed event") {
                $0.contains { $0.status == 200 && $0.id == eventID }
            }
            try await gateway.waitFor(
                "/v1/webhooks/\(hook.id)/deliveries/\(eventID)", key: tenant.key, "delivered after the replay"
            ) { $0.json["state"] as? String == "delivered" }
        }
        await receiver.stop()
    }
}
