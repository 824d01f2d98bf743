import Foundation
import Testing
import ZapgateStore
import ZapgateStoreTestSupport

/// The event log and webhook deliveries in the store, on both databases.
@Suite struct EventLogTests {
    struct Fixture {
        var store: GatewayStore
        var tenant: Tenant
        var instance: InstanceRecord
    }

    static func fixture(_ db: any SQLDatabase) async throws -> Fixture {
        let store = GatewayStore(database: db)
        let tenant = try await store.createTenant(name: "t", plan: "business")
        let instance = try await store.createInstance(tenantID: tenant.id, name: "i", maxInstances: 3)
            .instance
        return Fixture(store: store, tenant: tenant, instance: instance)
    }

    static func event(_ f: Fixture, _ type: String, _ n: Int = 0) -> NewEvent {
        NewEvent(
            tenantID: f.tenant.id, instanceID: f.instance.id, type: type, data: Data(#"{"n":\#(n)}"#.utf8))
    }

    static func hook(_ f: Fixture, _ patterns: [String], instance: UUID? = nil, enabled: Bool = true)
        -> WebhookRecord
    {
        WebhookRecord(
            id: UUID(), tenantID: f.tenant.id, instanceID: instance, url: "https://example.com/h",
            filter: EventFilter(patterns), description: nil, sealedSecret: Data([1, 2, 3]), enabled: enabled,
            createdAt: Date(), updatedAt: Date())
    }

    /// Concurrent appends get distinct numbers with no gap, and readers see them in order.
    @Test(arguments: TestBackend.allCases)
    func concurrentAppendsAreNumberedWithoutGaps(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let f = try await Self.fixture(db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask { try await f.store.appendEvent(Self.event(f, "instance.status", n)) }
                }
                try await group.waitForAll()
            }
            let (events, last) = try await f.store.events(instanceID: f.instance.id, after: 0, limit: 100)
            #expect(events.map(\.seq) == Array(1...40))
            #expect(last == 40)
            #expect(try await f.store.lastEventSeq(instanceID: f.instance.id) == 40)
            // The payload is the envelope webhooks carry, around the data as given.
            let first = try #require(events.first)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(first.payload.utf8)) as? [String: Any])
            #expect(object["id"] as? String == first.id)
            #expect(object["seq"] as? Int == 1)
            #expect(object["type"] as? String == "instance.status")
            #expect(object["data"] is [String: Any])
            let later = try await f.store.events(instanceID: f.instance.id, after: 38, limit: 100)
            #expect(later.events.map(\.seq) == [39, 40])
        }
    }

    /// An event is queued for the subscriptions that want it, and only those.
    @Test(arguments: TestBackend.allCases)
    func deliveriesFollowFiltersScopesAndReplay(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let f = try await Self.fixture(db)
            let other = try await f.store.createInstance(tenantID: f.tenant.id, name: "j", maxInstances: 3)
                .instance
            let all = Self.hook(f, ["*"])
            let messages = Self.hook(f, ["message.*"])
            let otherOnly = Self.hook(f, ["*"], instance: other.id)
            let paused = Self.hook(f, ["*"], enabled: false)
            for hook in [all, messages, otherOnly, paused] {
                try await f.store.createWebhook(hook, maximum: 10)
            }
            try await f.store.appendEvent(Self.event(f, "instance.status"))
            try await f.store.appendEvent(Self.event(f, "message.received"))
            func pending(_ hook: WebhookRecord) async throws -> [Int64] {
                try await f.store.pendingDeliveries(
                    DeliveryLane(webhookID: hook.id, instanceID: f.instance.id), limit: 10
                )
                .map(\.delivery.seq)
            }
            #expect(try await pending(all) == [1, 2])
            #expect(try await pending(messages) == [2])
            #expect(try await pending(otherOnly).isEmpty)
            #expect(try await pending(paused).isEmpty)
            #expect(Set(try await f.store.pendingLanes().map(\.lane.webhookID)) == [all.id, messages.id])

            // Delivered, then replayed: pending again with a fresh round.
            let head = try #require(
                try await f.store.pendingDeliveries(
                    DeliveryLane(webhookID: all.id, instanceID: f.instance.id), limit: 1
                ).first)
            try await f.store.recordAttempt(
                DeliveryAttempt(
                    attempt: 1, startedAt: Date(), statusCode: 200, error: nil, latency: .milliseconds(3)),
                of: head.delivery, outcome: .delivered)
            #expect(try await pending(all) == [2])
            #expect(try await f.store.replay(hook: all, instanceID: f.instance.id, from: 1, to: 5) == 2)
            #expect(try await pending(all) == [1, 2])
            let replayed = try #require(
                try await f.store.delivery(webhookID: all.id, instanceID: f.instance.id, seq: 1))
            #expect(replayed.delivery.attempts == 1 && replayed.delivery.roundAttempts == 0)
            #expect(replayed.attempts.map(\.statusCode) == [200])
            // A replay for an instance the subscription does not cover queues nothing.
            #expect(try await f.store.replay(hook: otherOnly, instanceID: f.instance.id, from: 1, to: 2) == 0)
        }
    }

    /// Old events go once nothing waits for them; deleting the instance takes its log along.
    @Test(arguments: TestBackend.allCases)
    func pruningKeepsWhatIsStillPending(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let f = try await Self.fixture(db)
            let hook = Self.hook(f, ["message.*"])
            try await f.store.createWebhook(hook, maximum: 10)
            try await f.store.appendEvent(Self.event(f, "instance.status"))
            try await f.store.appendEvent(Self.event(f, "message.received"))
            #expect(try await f.store.pruneEvents(before: Date().addingTimeInterval(60)) == 1)
            let left = try await f.store.events(instanceID: f.instance.id, after: 0, limit: 10).events
            #expect(left.map(\.type) == ["message.received"])
            #expect(try await f.store.deleteInstance(f.instance.id))
            #expect(try await f.store.events(instanceID: f.instance.id, after: 0, limit: 10).events.isEmpty)
            #expect(try await f.store.lastEventSeq(instanceID: f.instance.id) == 0)
        }
    }
}
