import Foundation

extension GatewayStore {
    /// Stores a new key for a tenant: only its hash and its first characters.
    public func createAPIKey(
        tenantID: UUID, name: String, prefix: String, hash: Data, now: Date = Date()
    ) async throws(GatewayStoreError) -> APIKey {
        let key = APIKey(
            id: UUID(), tenantID: tenantID, name: name, prefix: prefix, createdAt: now, revokedAt: nil,
            lastUsedAt: nil)
        try await run { () throws(StoreError) in
            try await database.query(
                """
                INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at)
                VALUES (\(key.id), \(tenantID), \(name), \(prefix), \(hash), \(now))
                """)
        }
        return key
    }

    public func apiKeys(tenantID: UUID) async throws(GatewayStoreError) -> [APIKey] {
        try await run { () throws(StoreError) in
            try await database.query(
                "SELECT * FROM api_keys WHERE tenant_id = \(tenantID) ORDER BY created_at, id"
            ).map { row throws(StoreError) in try APIKey(row: row) }
        }
    }

    /// Revokes a key; false when the tenant has no such key. Revoking twice keeps the first time.
    public func revokeAPIKey(tenantID: UUID, keyID: UUID, now: Date = Date()) async throws(GatewayStoreError)
        -> Bool
    {
        try await run { () throws(StoreError) in
            let rows = try await database.query(
                """
                UPDATE api_keys SET revoked_at = COALESCE(revoked_at, \(now))
                WHERE id = \(keyID) AND tenant_id = \(tenantID) RETURNING id
                """)
            return !rows.isEmpty
        }
    }

    /// The live (not revoked) key with this hash, if any.
    public func apiKey(hash: Data) async throws(GatewayStoreError) -> APIKey? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT * FROM api_keys WHERE hash = \(hash) AND revoked_at IS NULL").map
            {
                row throws(StoreError) in try APIKey(row: row)
            }
        }
    }

    /// Notes when a key was last used (the caller throttles how often).
    public func touchAPIKey(_ id: UUID, now: Date = Date()) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query("UPDATE api_keys SET last_used_at = \(now) WHERE id = \(id)")
        }
    }
}
