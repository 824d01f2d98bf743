import Testing
import ZapgateStore
import ZapgateStoreTestSupport

/// The migration runner, against both databases.
@Suite struct MigrationTests {
    static let first = Migration(version: 1, name: "first") { dialect in
        ["CREATE TABLE first_things (id \(dialect.bigint) PRIMARY KEY, payload \(dialect.blob))"]
    }
    static let second = Migration(version: 2, name: "second") { dialect in
        [
            "CREATE TABLE second_things (id \(dialect.autoIncrementPrimaryKey), name TEXT NOT NULL)",
            "CREATE INDEX second_things_name ON second_things (name)",
        ]
    }
    static let broken = Migration(version: 3, name: "broken") { _ in
        ["CREATE TABLE third_things (id INTEGER PRIMARY KEY)", "THIS IS NOT SQL"]
    }

    @Test(arguments: TestBackend.allCases)
    func migrationsRunOnceEach(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: [Self.first]) { db in
            try await db.migrate([Self.first, Self.second])
            let recorded = try await db.query(
                "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
            #expect(try recorded.map { try $0.int("version") } == [1, 2])
            #expect(try recorded.map { try $0.string("name") } == ["first", "second"])
            // Again: nothing to do, nothing re-run (a second CREATE TABLE would fail).
            try await db.migrate([Self.first, Self.second])
            let again = try await db.query(
                "SELECT version, applied_at FROM schema_migrations ORDER BY version")
            #expect(try again.map { try $0.int("applied_at") } == recorded.map { try $0.int("applied_at") })
            try await db.query("INSERT INTO second_things (name) VALUES (\("usable"))")
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aFailingMigrationLeavesNothingBehind(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: [Self.first]) { db in
            await #expect(throws: StoreError.self) { try await db.migrate([Self.first, Self.broken]) }
            let versions = try await db.query("SELECT version FROM schema_migrations").map {
                try $0.int("version")
            }
            #expect(versions == [1])
            // Its first statement went with it, so it can be fixed and run again.
            await #expect(throws: StoreError.self) {
                try await db.query("SELECT count(*) AS n FROM third_things")
            }
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aDatabaseFromANewerBuildIsRefused(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let newer = try await TestBackend.open(location, migrations: [Self.first, Self.second])
            await newer.close()
            let error = await #expect(throws: StoreError.self) {
                try await TestBackend.open(location, migrations: [Self.first])
            }
            #expect(error == .schemaTooNew(recorded: 2, known: 1))
        }
    }

    @Test(arguments: TestBackend.allCases)
    func twoProcessesMigratingAtOnceApplyEachStepOnce(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            // Two separately opened databases stand for two processes starting together.
            let one = try await TestBackend.open(location, migrations: nil)
            let two = try await TestBackend.open(location, migrations: nil)
            async let first: Void = one.migrate([Self.first, Self.second])
            async let second: Void = two.migrate([Self.first, Self.second])
            _ = try await (first, second)
            let count = try await one.first("SELECT count(*) AS n FROM schema_migrations")?.int("n")
            await one.close()
            await two.close()
            #expect(count == 2)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func theGatewaysOwnMigrationsApply(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let count = try await db.first("SELECT count(*) AS n FROM schema_migrations")?.int("n")
            #expect(count == Int64(Migrations.all.count))
        }
    }
}
