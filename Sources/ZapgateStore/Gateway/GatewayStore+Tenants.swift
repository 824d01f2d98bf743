import Foundation

extension GatewayStore {
    @discardableResult
    /// Runs store calls, reporting their failures as ``GatewayStoreError/store(_:)``.
    func run<T>(_ body: () async throws(StoreError) -> T) async throws(GatewayStoreError) -> T {
        do { return try await body() } catch { throw .store(error) }
    }

    // MARK: Settings

    public func setting(_ name: String) async throws(GatewayStoreError) -> String? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT value FROM settings WHERE name = \(name)")?.string("value")
        }
    }

    /// Stores a setting unless one is already there; returns whether this call stored it (two
    /// servers starting at once agree on one admin key).
    public func insertSettingIfAbsent(_ name: String, value: String) async throws(GatewayStoreError) -> Bool {
        try await run { () throws(StoreError) in
            let rows = try await database.query(
                "INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING RETURNING name"
            )
            return !rows.isEmpty
        }
    }

    public func setSetting(_ name: String, value: String) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                INSERT INTO settings (name, value) VALUES (\(name), \(value))
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """)
        }
    }

    // MARK: Plans

    public func plans() async throws(GatewayStoreError) -> [Plan] {
        try await run { () throws(StoreError) in
            try await database.query("SELECT * FROM plans ORDER BY max_instances, name").map {
                row throws(StoreError) in
                try Plan(row: row)
            }
        }
    }

    public func plan(named name: String) async throws(GatewayStoreError) -> Plan? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT * FROM plans WHERE name = \(name)").map {
                row throws(StoreError) in
                try Plan(row: row)
            }
        }
    }

    /// Creates or replaces a plan; tenants on it get the new limits at once.
    public func savePlan(_ plan: Plan, now: Date = Date()) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                INSERT INTO plans (name, max_instances, link_attempts_per_hour, created_at, updated_at)
                VALUES (\(plan.name), \(plan.maxInstances), \(plan.linkAttemptsPerHour), \(now), \(now))
                ON CONFLICT (name) DO UPDATE SET max_instances = excluded.max_instances,
                    link_attempts_per_hour = excluded.link_attempts_per_hour, updated_at = excluded.updated_at
                """)
        }
    }

    // MARK: Tenants

    public func createTenant(name: String, plan: String, now: Date = Date()) async throws(GatewayStoreError)
        -> Tenant
    {
        guard try await self.plan(named: plan) != nil else { throw .unknownPlan(plan) }
        let tenant = Tenant(id: UUID(), name: name, plan: plan, createdAt: now)
        let inserted = try await run { () throws(StoreError) in
            try await database.query(
                """
                INSERT INTO tenants (id, name, plan, created_at) VALUES (\(tenant.id), \(name), \(plan), \(now))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """)
        }
        guard !inserted.isEmpty else { throw .duplicate(name) }
        return tenant
    }

    public func tenant(_ id: UUID) async throws(GatewayStoreError) -> Tenant? {
        try await run { () throws(StoreError) in
            try await database.first("SELECT * FROM tenants WHERE id = \(id)").map { row throws(StoreError) in
                try Tenant(row: row)
            }
        }
    }

    public func tenants(after cursor: String?, limit: Int) async throws(GatewayStoreError) -> Page<Tenant> {
        let position = try cursor.map { text throws(GatewayStoreError) in try CreationCursor(text) }
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                "SELECT * FROM tenants \(Self.after(position)) ORDER BY created_at, id LIMIT \(limit + 1)")
        }
        return try page(rows, limit: limit) { row throws(StoreError) in
            try Tenant(row: row)
        } cursor: {
            CreationCursor(
                createdAt: Int64(($0.createdAt.timeIntervalSince1970 * 1000).rounded()), id: $0.id.lowercased)
        }
    }

    /// Renames a tenant or moves it to another plan; nil when there is no such tenant.
    public func updateTenant(_ id: UUID, name: String?, plan: String?) async throws(GatewayStoreError)
        -> Tenant?
    {
        if let plan, try await self.plan(named: plan) == nil { throw .unknownPlan(plan) }
        if let name {
            let taken = try await run { () throws(StoreError) in
                try await database.first("SELECT id FROM tenants WHERE name = \(name) AND id <> \(id)")
            }
            if taken != nil { throw .duplicate(name) }
        }
        return try await run { () throws(StoreError) in
            try await database.first(
                """
                UPDATE tenants SET name = COALESCE(\(name), name), plan = COALESCE(\(plan), plan)
                WHERE id = \(id) RETURNING *
                """
            ).map { row throws(StoreError) in try Tenant(row: row) }
        }
    }

    /// Deletes a tenant with its keys, instances, messages and uploads; returns whether it existed.
    /// The caller stops the tenant's sessions and wipes their device state first.
    public func deleteTenant(_ id: UUID) async throws(GatewayStoreError) -> Bool {
        try await run { () throws(StoreError) in
            !(try await database.query("DELETE FROM tenants WHERE id = \(id) RETURNING id")).isEmpty
        }
    }

    static func after(_ position: CreationCursor?, and: Bool = false) -> SQLQuery {
        guard let position else { return "" }
        let keyword = and ? "AND" : "WHERE"
        return
            "\(raw: keyword) (created_at > \(position.createdAt) OR (created_at = \(position.createdAt) AND id > \(position.id)))"
    }

    func page<Item>(
        _ rows: [SQLRow], limit: Int, _ decode: (SQLRow) throws(StoreError) -> Item,
        cursor: (Item) -> CreationCursor
    ) throws(GatewayStoreError) -> Page<Item> {
        var items: [Item] = []
        do {
            for row in rows.prefix(limit) { items.append(try decode(row)) }
        } catch { throw .store(error) }
        let next = rows.count > limit ? items.last.map { cursor($0).text } : nil
        return Page(items: items, nextCursor: next)
    }
}

extension UUID {
    /// The lowercase text form stored in the database.
    var lowercased: String { uuidString.lowercased() }
}
