import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateStore

extension GatewayAPI {
    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws
        -> Operations.CreateWebhook.Output
    {
        let tenantID = try Principal.requireTenant()
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let url = try WebhookTarget.validate(body.url, allowPrivate: events.settings.allowPrivateTargets)
        let filter = try GatewayEvent.filter(body.events, field: "/events")
        var instanceID: UUID?
        if let id = body.instanceId { instanceID = try await ownInstance(id).id }
        let secret =
            try body.secret.map { text throws(GatewayError) in
                try WebhookSecret(parsing: text, field: "/secret")
            } ?? .generate()
        let description = try body.description.map { text throws(GatewayError) in
            try Validation.text(text, field: "/description", maximum: 200, allowEmpty: true)
        }
        let id = UUID()
        let now = Date()
        let hook = WebhookRecord(
            id: id, tenantID: tenantID, instanceID: instanceID, url: url, filter: filter,
            description: description,
            sealedSecret: try seal(secret, webhookID: id), enabled: body.enabled ?? true, createdAt: now,
            updatedAt: now)
        let maximum = events.settings.webhooksPerTenant
        try await records { () throws(GatewayStoreError) in
            try await store.createWebhook(hook, maximum: maximum)
        }
        return .created(.init(body: .json(.init(hook, secret: secret.text))))
    }

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let tenantID = try Principal.requireTenant()
        let limit = try Validation.limit(input.query.limit)
        var instanceID: UUID?
        if let id = input.query.instanceId { instanceID = try await ownInstance(id).id }
        let page = try await records { () throws(GatewayStoreError) in
            try await store.webhooks(
                tenantID: tenantID, instanceID: instanceID, after: input.query.cursor, limit: limit)
        }
        return .ok(
            .init(body: .json(.init(items: page.items.map { .init($0) }, nextCursor: page.nextCursor))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        .ok(.init(body: .json(.init(try await ownWebhook(input.path.webhookId)))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws
        -> Operations.UpdateWebhook.Output
    {
        var hook = try await ownWebhook(input.path.webhookId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        if let url = body.url {
            hook.url = try WebhookTarget.validate(url, allowPrivate: events.settings.allowPrivateTargets)
        }
        if let patterns = body.events { hook.filter = try GatewayEvent.filter(patterns, field: "/events") }
        if let description = body.description {
            hook.description = try Validation.text(
                description, field: "/description", maximum: 200, allowEmpty: true)
        }
        if let enabled = body.enabled { hook.enabled = enabled }
        var shown: String?
        if body.rotateSecret == true {
            let secret = WebhookSecret.generate()
            hook.sealedSecret = try seal(secret, webhookID: hook.id)
            shown = secret.text
        }
        hook.updatedAt = Date()
        try await records { [hook] () throws(GatewayStoreError) in try await store.updateWebhook(hook) }
        // A re-enabled subscription may have deliveries waiting.
        events.hub.dispatcherSignal.ring()
        return .ok(.init(body: .json(.init(hook, secret: shown))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws
        -> Operations.DeleteWebhook.Output
    {
        let hook = try await ownWebhook(input.path.webhookId)
        _ = try await records { () throws(GatewayStoreError) in
            try await store.deleteWebhook(hook.id, tenantID: hook.tenantID)
        }
        return .noContent(.init())
    }

    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        let hook = try await ownWebhook(input.path.webhookId)
        let secret = try open(hook)
        let id = "test:\(UUID().uuidString.lowercased())"
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let body =
            #"{"id":"\#(id)","type":"\#(GatewayEvent.webhookTest)","createdAt":"\#(time)","data":{"webhookId":"\#(hook.id.uuidString.lowercased())"}}"#
        let result = await events.sender.send(
            body, eventID: id, eventType: GatewayEvent.webhookTest, attempt: 1, to: hook.url, secret: secret)
        let delivered = result.statusCode.map { (200..<300).contains($0) } ?? false
        return .ok(
            .init(
                body: .json(
                    .init(
                        delivered: delivered, statusCode: result.statusCode, error: result.error,
                        latencyMs: Int(result.latency.milliseconds)))))
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws
        -> Operations.ListDeliveries.Output
    {
        let hook = try await ownWebhook(input.path.webhookId)
        let limit = try Validation.limit(input.query.limit)
        var instanceID: UUID?
        if let id = input.query.instanceId { instanceID = try await ownInstance(id).id }
        let state = input.query.state.flatMap { DeliveryState(rawValue: $0.rawValue) }
        let page = try await records { () throws(GatewayStoreError) in
            try await store.deliveries(
                webhookID: hook.id, instanceID: instanceID, state: state, after: input.query.cursor,
                limit: limit)
        }
        return .ok(
            .init(body: .json(.init(items: page.items.map { .init($0) }, nextCursor: page.nextCursor))))
    }

    func getDelivery(_ input: Operations.GetDelivery.Input) async throws -> Operations.GetDelivery.Output {
        let hook = try await ownWebhook(input.path.webhookId)
        let eventID = input.path.eventId
        let (instanceID, seq) = try Self.parseEventID(eventID)
        guard
            let found = try await records({ () throws(GatewayStoreError) in
                try await store.delivery(webhookID: hook.id, instanceID: instanceID, seq: seq)
            })
        else { throw GatewayError.notFound("No delivery of event \(eventID.prefix(80)) to this webhook.") }
        return .ok(.init(body: .json(.init(found.delivery, attempts: found.attempts))))
    }

    func replayDeliveries(_ input: Operations.ReplayDeliveries.Input) async throws
        -> Operations.ReplayDeliveries.Output
    {
        let hook = try await ownWebhook(input.path.webhookId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        // An instance the subscription does not cover is not an error: nothing of it is queued.
        let instance = try await ownInstance(body.instanceId)
        let from = body.fromSeq
        let to = body.toSeq ?? from
        guard from >= 1 else {
            throw GatewayError.validation(field: "/fromSeq", detail: "Events are numbered from 1.")
        }
        guard to >= from else {
            throw GatewayError.validation(field: "/toSeq", detail: "toSeq is before fromSeq.")
        }
        guard to - from < Self.maximumReplay else {
            throw GatewayError.validation(
                field: "/toSeq", detail: "Replay at most \(Self.maximumReplay) events per request.")
        }
        let queued = try await records { () throws(GatewayStoreError) in
            try await store.replay(hook: hook, instanceID: instance.id, from: from, to: to)
        }
        events.hub.dispatcherSignal.ring()
        return .accepted(.init(body: .json(.init(queued: queued))))
    }

    static let maximumReplay: Int64 = 10_000

    /// The caller's subscription, or 404 for anything else.
    func ownWebhook(_ id: String) async throws(GatewayError) -> WebhookRecord {
        let tenantID = try Principal.requireTenant()
        let webhookID = try Validation.id(id, what: "webhook")
        guard
            let hook = try await records({ () throws(GatewayStoreError) in
                try await store.webhook(webhookID, tenantID: tenantID)
            })
        else { throw .notFound("No webhook \(id.prefix(64)).") }
        return hook
    }

    private func seal(_ secret: WebhookSecret, webhookID: UUID) throws(GatewayError) -> Data {
        do { return try secret.sealed(by: events.secrets, webhookID: webhookID) } catch {
            throw .internal("sealing a webhook secret failed: \(error)")
        }
    }

    private func open(_ hook: WebhookRecord) throws(GatewayError) -> WebhookSecret {
        do { return try WebhookSecret.open(hook.sealedSecret, by: events.secrets, webhookID: hook.id) } catch
        {
            throw .internal("opening a webhook secret failed: \(error)")
        }
    }

    /// `<instance id>:<number>`, as events and deliveries name an event.
    static func parseEventID(_ text: String) throws(GatewayError) -> (UUID, Int64) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let instanceID = UUID(uuidString: String(parts[0])),
            let seq = Int64(parts[1]),
            seq >= 1
        else {
            throw .validation(
                field: "eventId",
                detail: "'\(text.prefix(80))' is not an event id; they look like <instance id>:<number>.")
        }
        return (instanceID, seq)
    }
}
