import Foundation
import ZapgateAPI
import ZapgateStore

extension Components.Schemas.Webhook {
    init(_ hook: WebhookRecord) {
        self.init(
            id: hook.id.uuidString.lowercased(), instanceId: hook.instanceID?.uuidString.lowercased(),
            url: hook.url,
            events: hook.filter.patterns, description: hook.description, enabled: hook.enabled,
            createdAt: hook.createdAt, updatedAt: hook.updatedAt)
    }
}

extension Components.Schemas.WebhookWithSecret {
    init(_ hook: WebhookRecord, secret: String) {
        self.init(
            id: hook.id.uuidString.lowercased(), instanceId: hook.instanceID?.uuidString.lowercased(),
            url: hook.url,
            events: hook.filter.patterns, description: hook.description, enabled: hook.enabled,
            createdAt: hook.createdAt, updatedAt: hook.updatedAt, secret: secret)
    }
}

extension Components.Schemas.UpdatedWebhook {
    init(_ hook: WebhookRecord, secret: String?) {
        self.init(
            id: hook.id.uuidString.lowercased(), instanceId: hook.instanceID?.uuidString.lowercased(),
            url: hook.url,
            events: hook.filter.patterns, description: hook.description, enabled: hook.enabled,
            createdAt: hook.createdAt, updatedAt: hook.updatedAt, secret: secret)
    }
}

extension Components.Schemas.Delivery {
    init(_ delivery: DeliveryRecord, attempts: [DeliveryAttempt]? = nil) {
        self.init(
            eventId: delivery.eventID, instanceId: delivery.instanceID.uuidString.lowercased(),
            seq: delivery.seq,
            eventType: delivery.eventType,
            state: Components.Schemas.DeliveryState(rawValue: delivery.state.rawValue) ?? .pending,
            attempts: delivery.attempts, lastStatus: delivery.lastStatus, lastError: delivery.lastError,
            nextAttemptAt: delivery.state == .pending ? delivery.nextAttemptAt : nil,
            deliveredAt: delivery.deliveredAt, parkedAt: delivery.parkedAt, updatedAt: delivery.updatedAt,
            attemptLog: attempts?.map {
                .init(
                    attempt: $0.attempt, startedAt: $0.startedAt, statusCode: $0.statusCode, error: $0.error,
                    latencyMs: Int($0.latency.milliseconds))
            })
    }
}
