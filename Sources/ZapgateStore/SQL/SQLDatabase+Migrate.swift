import Foundation

extension SQLDatabase {
    /// Brings the schema up to date: runs each migration not yet recorded in
    /// `schema_migrations`, its statements and its record in one transaction, in version order.
    ///
    /// Safe to run from several processes at once: each step holds the migration lock
    /// (PostgreSQL's transaction-scoped advisory lock; SQLite's write lock, which
    /// `BEGIN IMMEDIATE` takes) and looks again before it applies anything.
    ///
    /// - Throws: ``StoreError/schemaTooNew(recorded:known:)`` for a database a newer build
    ///   has migrated, ``StoreError/corrupt(_:)`` for one that records a version this build has
    ///   never had, ``StoreError/configuration(_:)`` for a list with repeated versions.
    public func migrate(_ migrations: [Migration] = Migrations.all) async throws(StoreError) {
        let ordered = migrations.sorted { $0.version < $1.version }
        let versions = ordered.map(\.version)
        guard Set(versions).count == versions.count, versions.allSatisfy({ $0 > 0 }) else {
            throw .configuration("migration versions must be positive and distinct: \(versions)")
        }
        let known = Set(versions)
        let newest = versions.last ?? 0
        let recorded: Set<Int> = try await transaction { transaction throws(StoreError) in
            try await lockMigrations(transaction)
            try await transaction.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version \(raw: transaction.dialect.bigint) PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at \(raw: transaction.dialect.bigint) NOT NULL
                )
                """)
            return try await recordedVersions(transaction)
        }
        if let newer = recorded.max(), newer > newest {
            throw .schemaTooNew(recorded: newer, known: newest)
        }
        if let stranger = recorded.subtracting(known).min() {
            throw .corrupt("the database records schema version \(stranger), which this build never had")
        }
        for migration in ordered where !recorded.contains(migration.version) {
            try await transaction { transaction throws(StoreError) in
                try await lockMigrations(transaction)
                // Another process may have applied it since the look above.
                guard try await !recordedVersions(transaction).contains(migration.version) else { return }
                for statement in migration.statements(transaction.dialect) {
                    try await transaction.query(SQLQuery(stringLiteral: statement))
                }
                try await transaction.query(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(Date()))
                    """)
            }
        }
    }
}

/// PostgreSQL's advisory lock key for migrations (the bytes of "zgmigrat").
private let migrationLockKey: Int64 = 0x7A67_6D69_6772_6174

private func lockMigrations(_ transaction: any SQLExecutor) async throws(StoreError) {
    guard transaction.dialect == .postgres else { return }
    try await transaction.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))")
}

private func recordedVersions(_ transaction: any SQLExecutor) async throws(StoreError) -> Set<Int> {
    var versions: Set<Int> = []
    for row in try await transaction.query("SELECT version FROM schema_migrations") {
        versions.insert(Int(try row.int("version")))
    }
    return versions
}
