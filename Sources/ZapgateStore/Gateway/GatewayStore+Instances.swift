import Foundation

/// What linking or the connection learnt about an instance, saved with its status.
public struct InstanceStatusChange: Sendable {
    public var status: InstanceStatus
    /// A new failure to keep (`code`, `message`); nil keeps the one there.
    public var error: (code: String, message: String)?
    /// Replaces the account fields when set (after linking); cleared on logout.
    public var account: Account?
    public var clearAccount: Bool

    public struct Account: Sendable, Equatable {
        public var phoneNumber: String
        public var jid: String
        public var lid: String?
        public var platform: String

        public init(phoneNumber: String, jid: String, lid: String?, platform: String) {
            self.phoneNumber = phoneNumber
            self.jid = jid
            self.lid = lid
            self.platform = platform
        }
    }

    public init(
        status: InstanceStatus, error: (code: String, message: String)? = nil, account: Account? = nil,
        clearAccount: Bool = false
    ) {
        self.status = status
        self.error = error
        self.account = account
        self.clearAccount = clearAccount
    }
}

extension GatewayStore {
    /// Creates the tenant's instance called `name`, or returns the one it already has (then
    /// `existing` is true). Counting and inserting happen under the tenant's row lock, so two
    /// creates at once cannot both slip under the quota.
    public func createInstance(
        tenantID: UUID, name: String, maxInstances: Int, now: Date = Date()
    ) async throws(GatewayStoreError) -> (instance: InstanceRecord, existing: Bool) {
        enum Outcome: Sendable {
            case created(InstanceRecord)
            case existing(InstanceRecord)
            case overQuota
        }
        let dialect = self.dialect
        let outcome = try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                _ = try await tx.first(
                    "SELECT id FROM tenants WHERE id = \(tenantID)\(raw: dialect.forUpdate)")
                if let row = try await tx.first(
                    "SELECT * FROM instances WHERE tenant_id = \(tenantID) AND name = \(name)")
                {
                    return Outcome.existing(try InstanceRecord(row: row))
                }
                let count =
                    try await tx.first("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = \(tenantID)")?
                    .int("n") ?? 0
                guard count < maxInstances else { return .overQuota }
                let record = InstanceRecord(
                    id: UUID(), tenantID: tenantID, name: name, desiredState: .stopped, status: .disconnected,
                    statusSince: now, lastError: nil, phoneNumber: nil, jid: nil, lid: nil, platform: nil,
                    createdAt: now)
                try await tx.query(
                    """
                    INSERT INTO instances (id, tenant_id, name, desired_state, status, status_since, created_at)
                    VALUES (\(record.id), \(tenantID), \(name), \(record.desiredState.rawValue),
                        \(record.status.rawValue), \(now), \(now))
                    """)
                return .created(record)
            }
        }
        switch outcome {
        case .created(let record): return (record, false)
        case .existing(let record): return (record, true)
        case .overQuota: throw .instanceQuotaExceeded(limit: maxInstances)
        }
    }

    /// The instance, if it exists and (when `tenantID` is given) belongs to that tenant.
    public func instance(_ id: UUID, tenantID: UUID? = nil) async throws(GatewayStoreError) -> InstanceRecord?
    {
        try await run { () throws(StoreError) in
            let row: SQLRow?
            if let tenantID {
                row = try await database.first(
                    "SELECT * FROM instances WHERE id = \(id) AND tenant_id = \(tenantID)")
            } else {
                row = try await database.first("SELECT * FROM instances WHERE id = \(id)")
            }
            return try row.map { row throws(StoreError) in try InstanceRecord(row: row) }
        }
    }

    public func instances(tenantID: UUID, after cursor: String?, limit: Int) async throws(GatewayStoreError)
        -> Page<InstanceRecord>
    {
        let position = try cursor.map { text throws(GatewayStoreError) in try CreationCursor(text) }
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT * FROM instances WHERE tenant_id = \(tenantID) \(Self.after(position, and: true))
                ORDER BY created_at, id LIMIT \(limit + 1)
                """)
        }
        return try page(rows, limit: limit) { row throws(StoreError) in
            try InstanceRecord(row: row)
        } cursor: {
            CreationCursor(
                createdAt: Int64(($0.createdAt.timeIntervalSince1970 * 1000).rounded()), id: $0.id.lowercased)
        }
    }

    /// Every instance of a tenant (for deleting the tenant).
    public func instanceIDs(tenantID: UUID) async throws(GatewayStoreError) -> [UUID] {
        try await run { () throws(StoreError) in
            try await database.query("SELECT id FROM instances WHERE tenant_id = \(tenantID)").map {
                row throws(StoreError) in try row.uuid("id")
            }
        }
    }

    /// Every instance whose owner wants it connected: the ones a start brings back.
    public func runningInstances() async throws(GatewayStoreError) -> [InstanceRecord] {
        try await run { () throws(StoreError) in
            try await database.query(
                "SELECT * FROM instances WHERE desired_state = \(DesiredState.running.rawValue) ORDER BY created_at"
            ).map { row throws(StoreError) in try InstanceRecord(row: row) }
        }
    }

    public func setDesiredState(_ id: UUID, _ state: DesiredState) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query(
                "UPDATE instances SET desired_state = \(state.rawValue) WHERE id = \(id)")
        }
    }

    /// Saves a status (and `status_since` when it changed) and returns the record as stored.
    @discardableResult
    ///
    /// With `event`, the event it makes of the updated instance is appended in the same
    /// transaction.
    public func updateInstanceStatus(
        _ id: UUID, _ change: InstanceStatusChange, now: Date = Date(),
        event: (@Sendable (InstanceRecord) -> NewEvent)? = nil
    ) async throws(GatewayStoreError) -> InstanceRecord? {
        let account = change.account
        let clear = change.clearAccount
        let hasError = change.error != nil
        return try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                let record = try await tx.first(
                    """
                    UPDATE instances SET
                        status_since = CASE WHEN status = \(change.status.rawValue) THEN status_since ELSE \(now) END,
                        status = \(change.status.rawValue),
                        last_error_code = CASE WHEN \(hasError) = 1 THEN \(change.error?.code) ELSE last_error_code END,
                        last_error = CASE WHEN \(hasError) = 1 THEN \(change.error?.message) ELSE last_error END,
                        last_error_at = CASE WHEN \(hasError) = 1 THEN \(now) ELSE last_error_at END,
                        phone_number = CASE WHEN \(clear) = 1 THEN NULL ELSE COALESCE(\(account?.phoneNumber), phone_number) END,
                        jid = CASE WHEN \(clear) = 1 THEN NULL ELSE COALESCE(\(account?.jid), jid) END,
                        lid = CASE WHEN \(clear) = 1 THEN NULL ELSE COALESCE(\(account?.lid), lid) END,
                        platform = CASE WHEN \(clear) = 1 THEN NULL ELSE COALESCE(\(account?.platform), platform) END
                    WHERE id = \(id) RETURNING *
                    """
                ).map { row throws(StoreError) in try InstanceRecord(row: row) }
                if let record, let event { try await Self.appendEvent(event(record), on: tx) }
                return record
            }
        }
    }

    /// Deletes an instance with its messages, uploads, link attempts, events and subscriptions; `alsoOn` runs in the
    /// same transaction (the device state's rows go with it).
    public func deleteInstance(
        _ id: UUID,
        alsoOn extra: @Sendable (any SQLExecutor) async throws(StoreError) -> Void = { _ throws(StoreError) in
        }
    ) async throws(GatewayStoreError) -> Bool {
        try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                try await Self.deleteEvents(instanceID: id, on: tx)
                try await extra(tx)
                try await tx.query("DELETE FROM messages WHERE instance_id = \(id)")
                try await tx.query("DELETE FROM media_uploads WHERE instance_id = \(id)")
                try await tx.query("DELETE FROM link_attempts WHERE instance_id = \(id)")
                return !(try await tx.query("DELETE FROM instances WHERE id = \(id) RETURNING id")).isEmpty
            }
        }
    }

    /// Counts a QR or pairing-code attempt, refusing it when the last hour already holds
    /// `limit` of them.
    public func recordLinkAttempt(_ id: UUID, limit: Int, now: Date = Date()) async throws(GatewayStoreError)
    {
        let hourAgo = now.addingTimeInterval(-3600)
        let dialect = self.dialect
        let oldest = try await run { () throws(StoreError) -> Date? in
            try await database.transaction { tx throws(StoreError) -> Date? in
                _ = try await tx.first("SELECT id FROM instances WHERE id = \(id)\(raw: dialect.forUpdate)")
                try await tx.query("DELETE FROM link_attempts WHERE instance_id = \(id) AND at <= \(hourAgo)")
                let rows = try await tx.query(
                    "SELECT at FROM link_attempts WHERE instance_id = \(id) ORDER BY at")
                if rows.count >= limit { return try rows.first?.date("at") ?? now }
                try await tx.query("INSERT INTO link_attempts (instance_id, at) VALUES (\(id), \(now))")
                return nil
            }
        }
        if let oldest {
            let wait = max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(now).rounded(.up)))
            throw .linkAttemptsExceeded(limit: limit, retryAfterSeconds: wait)
        }
    }
}
