import Foundation

extension Plan {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            name: try row.string("name"), maxInstances: Int(try row.int("max_instances")),
            linkAttemptsPerHour: Int(try row.int("link_attempts_per_hour")))
    }
}

extension Tenant {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"), plan: try row.string("plan"),
            createdAt: try row.date("created_at"))
    }
}

extension APIKey {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.uuid("id"), tenantID: try row.uuid("tenant_id"), name: try row.string("name"),
            prefix: try row.string("prefix"), createdAt: try row.date("created_at"),
            revokedAt: try row.optionalDate("revoked_at"), lastUsedAt: try row.optionalDate("last_used_at"))
    }
}

extension InstanceRecord {
    init(row: SQLRow) throws(StoreError) {
        guard let desired = DesiredState(rawValue: try row.string("desired_state")),
            let status = InstanceStatus(rawValue: try row.string("status"))
        else { throw .corrupt("instance state") }
        var lastError: InstanceError?
        if let code = try row.optionalString("last_error_code") {
            lastError = InstanceError(
                code: code, message: try row.optionalString("last_error") ?? "",
                at: try row.optionalDate("last_error_at") ?? Date(timeIntervalSince1970: 0))
        }
        self.init(
            id: try row.uuid("id"), tenantID: try row.uuid("tenant_id"), name: try row.string("name"),
            desiredState: desired, status: status, statusSince: try row.date("status_since"),
            lastError: lastError, phoneNumber: try row.optionalString("phone_number"),
            jid: try row.optionalString("jid"), lid: try row.optionalString("lid"),
            platform: try row.optionalString("platform"), createdAt: try row.date("created_at"))
    }
}

extension MessageRecord {
    init(row: SQLRow) throws(StoreError) {
        guard let direction = MessageDirection(rawValue: try row.string("direction")),
            let status = MessageState(rawValue: try row.string("status"))
        else { throw .corrupt("message state") }
        self.init(
            seq: try row.int("seq"), instanceID: try row.uuid("instance_id"), id: try row.string("id"),
            direction: direction, chat: try row.string("chat"), sender: try row.string("sender"),
            type: try row.string("type"), text: try row.optionalString("text"),
            content: try row.string("content"),
            quotedID: try row.optionalString("quoted_id"), request: try row.optionalData("request"),
            media: try row.optionalString("media"), status: status,
            failureReason: try row.optionalString("failure_reason"),
            idempotencyKey: try row.optionalString("idempotency_key"),
            requestHash: try row.optionalData("request_hash"), attempts: Int(try row.int("attempts")),
            messageTime: try row.date("message_time"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}

extension MediaUpload {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.uuid("id"), instanceID: try row.uuid("instance_id"),
            mimetype: try row.string("mimetype"),
            fileName: try row.optionalString("file_name"), size: Int(try row.int("size")),
            sha256: try row.data("sha256"), data: try row.data("data"), createdAt: try row.date("created_at"))
    }
}
