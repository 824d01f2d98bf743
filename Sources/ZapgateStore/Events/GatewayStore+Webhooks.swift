import Foundation

extension GatewayStore {
    /// Stores a new subscription unless its tenant has `maximum` already. Counting and
    /// inserting happen under the tenant's row lock, so creates at once cannot pass the cap.
    public func createWebhook(_ hook: WebhookRecord, maximum: Int) async throws(GatewayStoreError) {
        let dialect = self.dialect
        let created = try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                _ = try await tx.first(
                    "SELECT id FROM tenants WHERE id = \(hook.tenantID)\(raw: dialect.forUpdate)")
                let count =
                    try await tx.first(
                        "SELECT COUNT(*) AS n FROM webhooks WHERE tenant_id = \(hook.tenantID)")?
                    .int("n") ?? 0
                guard count < maximum else { return false }
                try await tx.query(
                    """
                    INSERT INTO webhooks (id, tenant_id, instance_id, url, events, description, secret, enabled,
                        created_at, updated_at)
                    VALUES (\(hook.id), \(hook.tenantID), \(hook.instanceID), \(hook.url), \(hook.filter.stored),
                        \(hook.description), \(hook.sealedSecret), \(hook.enabled), \(hook.createdAt),
                        \(hook.updatedAt))
                    """)
                return true
            }
        }
        if !created { throw .webhookQuotaExceeded(limit: maximum) }
    }

    /// A tenant's subscription; another tenant's id is as unknown as a made-up one.
    public func webhook(_ id: UUID, tenantID: UUID) async throws(GatewayStoreError) -> WebhookRecord? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT * FROM webhooks WHERE id = \(id) AND tenant_id = \(tenantID)")
                .map { row throws(StoreError) in try WebhookRecord(row: row) }
        }
    }

    /// A subscription by id alone, for the deliverer.
    public func webhook(_ id: UUID) async throws(GatewayStoreError) -> WebhookRecord? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT * FROM webhooks WHERE id = \(id)")
                .map { row throws(StoreError) in try WebhookRecord(row: row) }
        }
    }

    /// A tenant's subscriptions in creation order, optionally only those of one instance.
    public func webhooks(tenantID: UUID, instanceID: UUID?, after cursor: String?, limit: Int)
        async throws(GatewayStoreError) -> Page<WebhookRecord>
    {
        let position = try cursor.map { text throws(GatewayStoreError) in try CreationCursor(text) }
        let scope: SQLQuery = instanceID.map { "AND instance_id = \($0)" } ?? ""
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT * FROM webhooks WHERE tenant_id = \(tenantID) \(scope) \(Self.after(position, and: true))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """)
        }
        return try page(rows, limit: limit) { row throws(StoreError) in
            try WebhookRecord(row: row)
        } cursor: {
            CreationCursor(
                createdAt: Int64(($0.createdAt.timeIntervalSince1970 * 1000).rounded()), id: $0.id.lowercased)
        }
    }

    /// Saves a subscription's changed fields (URL, filter, description, secret, enabled).
    public func updateWebhook(_ hook: WebhookRecord) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                UPDATE webhooks SET url = \(hook.url), events = \(hook.filter.stored), description = \(hook.description),
                    secret = \(hook.sealedSecret), enabled = \(hook.enabled), updated_at = \(hook.updatedAt)
                WHERE id = \(hook.id) AND tenant_id = \(hook.tenantID)
                """)
        }
    }

    /// Deletes a subscription with its deliveries and their attempts.
    public func deleteWebhook(_ id: UUID, tenantID: UUID) async throws(GatewayStoreError) -> Bool {
        try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                guard
                    try await tx.first("SELECT id FROM webhooks WHERE id = \(id) AND tenant_id = \(tenantID)")
                        != nil
                else { return false }
                try await tx.query("DELETE FROM webhook_attempts WHERE webhook_id = \(id)")
                try await tx.query("DELETE FROM webhook_deliveries WHERE webhook_id = \(id)")
                try await tx.query("DELETE FROM webhooks WHERE id = \(id)")
                return true
            }
        }
    }
}
