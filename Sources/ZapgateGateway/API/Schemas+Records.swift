import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateStore

extension Components.Schemas.Plan {
    init(_ plan: Plan) {
        self.init(
            name: plan.name, maxInstances: plan.maxInstances, linkAttemptsPerHour: plan.linkAttemptsPerHour)
    }
}

extension Components.Schemas.Tenant {
    init(_ tenant: Tenant) {
        self.init(
            id: tenant.id.uuidString.lowercased(), name: tenant.name, plan: tenant.plan,
            createdAt: tenant.createdAt)
    }
}

extension Components.Schemas.ApiKey {
    init(_ key: APIKey) {
        self.init(
            id: key.id.uuidString.lowercased(), name: key.name, prefix: key.prefix, createdAt: key.createdAt,
            lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt)
    }
}

extension Components.Schemas.Instance {
    init(_ record: InstanceRecord, existing: Bool? = nil) {
        let lastError = record.lastError.flatMap { error in
            Components.Schemas.InstanceError.CodePayload(rawValue: error.code).map {
                Components.Schemas.InstanceError(code: $0, message: error.message, at: error.at)
            }
        }
        self.init(
            id: record.id.uuidString.lowercased(), name: record.name,
            status: Components.Schemas.InstanceStatus(rawValue: record.status.rawValue) ?? .disconnected,
            desiredState: record.desiredState == .running ? .running : .stopped,
            phoneNumber: record.phoneNumber,
            jid: record.jid, lid: record.lid, platform: record.platform, statusSince: record.statusSince,
            lastError: lastError, createdAt: record.createdAt, existing: existing)
    }
}

extension Components.Schemas.Message {
    init(_ record: MessageRecord) {
        let outbound = record.direction == .outbound
        var content = Components.Schemas.Message.ContentPayload()
        if let object = try? JSONDecoder().decode(
            OpenAPIObjectContainer.self, from: Data(record.content.utf8))
        {
            content.additionalProperties = object
        }
        self.init(
            id: record.id, instanceId: record.instanceID.uuidString.lowercased(),
            direction: outbound ? .outbound : .inbound, chat: record.chat, from: record.sender,
            to: outbound ? record.chat : nil,
            _type: Components.Schemas.MessageType(rawValue: record.type) ?? .unknown, text: record.text,
            content: content, quotedMessageId: record.quotedID,
            status: Components.Schemas.MessageStatus(rawValue: record.status.rawValue) ?? .queued,
            failureReason: record.failureReason, hasMedia: record.media != nil || Self.carriesMedia(record),
            timestamp: record.messageTime, createdAt: record.createdAt, updatedAt: record.updatedAt)
    }

    /// Outbound media messages carry their media in the request until sent.
    private static func carriesMedia(_ record: MessageRecord) -> Bool {
        record.direction == .outbound
            && ["image", "video", "audio", "voice_note", "document", "sticker"].contains(record.type)
    }
}
