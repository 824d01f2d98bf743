import Foundation
import Synchronization
import Testing
import ZapgateStore
import ZapgateStoreTestSupport
import ZapgateTestSupport

/// The SQL layer itself, the same body against SQLite and PostgreSQL.
@Suite struct SQLDatabaseTests {
    @Test(arguments: TestBackend.allCases)
    func everyKindOfValueRoundTrips(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query(
                """
                CREATE TABLE kinds (id \(raw: db.dialect.bigint) PRIMARY KEY, i \(raw: db.dialect.bigint),
                    r DOUBLE PRECISION, t TEXT, b \(raw: db.dialect.blob))
                """)
            var large = Data(count: 1 << 20)
            for index in large.indices {
                large[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 7)
            }
            let rows: [(Int64?, Double?, String?, Data?)] = [
                (Int64.min, -0.5, "", Data()),
                (Int64.max, 3.25e300, "héllo 👋 中文 ✓\n\t'\"\\", large),
                (0, 0, "plain", Data([0, 1, 0xFF])),
                (nil, nil, nil, nil),
            ]
            for (id, row) in rows.enumerated() {
                let returned = try await db.first(
                    """
                    INSERT INTO kinds (id, i, r, t, b) VALUES (\(id), \(row.0), \(row.1), \(row.2), \(row.3))
                    RETURNING i, t
                    """)
                #expect(try returned?.optionalInt("i") == row.0)
                #expect(try returned?.optionalString("t") == row.2)
            }
            let read = try await db.query("SELECT id, i, r, t, b FROM kinds ORDER BY id")
            #expect(read.count == rows.count)
            for (row, expected) in zip(read, rows) {
                #expect(try row.optionalInt("i") == expected.0)
                #expect(try row.optionalDouble("r") == expected.1)
                #expect(try row.optionalString("t") == expected.2)
                #expect(try row.optionalData("b") == expected.3)
            }
            #expect(read.last?["b"] == .null)
            let empty = try await db.first("SELECT count(*) AS n FROM kinds WHERE b = \(Data())")
            #expect(try empty?.int("n") == 1)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func transactionsCommitAndRollBack(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query(
                "CREATE TABLE items (id \(raw: db.dialect.bigint) PRIMARY KEY, name TEXT NOT NULL)")
            let committed = try await db.transaction { tx throws(StoreError) in
                try await tx.query("INSERT INTO items (id, name) VALUES (1, \("kept"))")
                return try await tx.first("SELECT count(*) AS n FROM items")?.int("n")
            }
            #expect(committed == 1)

            let thrown = await #expect(throws: StoreError.self) {
                try await db.transaction { tx throws(StoreError) in
                    try await tx.query("INSERT INTO items (id, name) VALUES (2, \("dropped"))")
                    throw StoreError.query("the body gave up")
                }
            }
            #expect(thrown == .query("the body gave up"))

            // A failing statement mid-way takes the earlier ones with it.
            let violation = await #expect(throws: StoreError.self) {
                try await db.transaction { tx throws(StoreError) in
                    try await tx.query("INSERT INTO items (id, name) VALUES (3, \("dropped too"))")
                    try await tx.query("INSERT INTO items (id, name) VALUES (1, \("duplicate"))")
                }
            }
            #expect(violation.map(isConstraint) == true)

            let names = try await db.query("SELECT name FROM items ORDER BY id").map { try $0.string("name") }
            #expect(names == ["kept"])
        }
    }

    /// A transaction whose task is cancelled half-way rolls back, and the database goes on
    /// serving transactions (a ROLLBACK refused for the cancelled task once left SQLite's
    /// writer inside the transaction for good).
    @Test(arguments: TestBackend.allCases)
    func aCancelledTransactionRollsBackAndLeavesTheDatabaseUsable(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query(
                "CREATE TABLE items (id \(raw: db.dialect.bigint) PRIMARY KEY, name TEXT NOT NULL)")
            let (inside, signal) = AsyncStream.makeStream(of: Void.self)
            let task = Task {
                try await db.transaction { tx throws(StoreError) in
                    try await tx.query("INSERT INTO items (id, name) VALUES (1, \("half-way"))")
                    signal.yield()
                    // Wait to be cancelled, then try another statement as cancelled code would.
                    while !Task.isCancelled { await Task.yield() }
                    try await tx.query("INSERT INTO items (id, name) VALUES (2, \("after the cancel"))")
                }
            }
            for await _ in inside { break }
            task.cancel()
            _ = await task.result
            try await db.transaction { tx throws(StoreError) in
                try await tx.query("INSERT INTO items (id, name) VALUES (3, \("later"))")
            }
            let names = try await db.query("SELECT name FROM items ORDER BY id").map { try $0.string("name") }
            #expect(names == ["later"] || names == ["half-way", "after the cancel", "later"])
        }
    }

    @Test(arguments: TestBackend.allCases)
    func concurrentTransactionsDoNotLoseUpdates(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query(
                "CREATE TABLE counter (id \(raw: db.dialect.bigint) PRIMARY KEY, n \(raw: db.dialect.bigint))"
            )
            try await db.query("CREATE TABLE seen (n \(raw: db.dialect.bigint) PRIMARY KEY)")
            try await db.query("INSERT INTO counter (id, n) VALUES (1, 0)")
            let tasks = 50
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<tasks {
                        group.addTask {
                            try await db.transaction { tx throws(StoreError) in
                                // Read, then write what was read plus one: only correct if no
                                // other transaction slips in between.
                                let read = try await tx.first(
                                    "SELECT n FROM counter WHERE id = 1\(raw: tx.dialect.forUpdate)")
                                let next = try (read?.int("n") ?? -1) + 1
                                try await tx.query("UPDATE counter SET n = \(next) WHERE id = 1")
                                try await tx.query("INSERT INTO seen (n) VALUES (\(next))")
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            print("[\(backend)] \(tasks) concurrent read-modify-write transactions: \(elapsed)")
            #expect(try await db.first("SELECT n FROM counter WHERE id = 1")?.int("n") == Int64(tasks))
            #expect(try await db.first("SELECT count(*) AS c FROM seen")?.int("c") == Int64(tasks))
        }
    }

    @Test(arguments: TestBackend.allCases)
    func readsOutsideATransactionDoNotWaitForIt(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query("CREATE TABLE flags (name TEXT PRIMARY KEY, state TEXT NOT NULL)")
            try await db.query("INSERT INTO flags (name, state) VALUES (\("a"), \("committed"))")
            let (inside, insideSignal) = AsyncStream.makeStream(of: Void.self)
            let readDone = Mutex(false)
            let writer = Task {
                try await db.transaction { tx throws(StoreError) in
                    try await tx.query("UPDATE flags SET state = \("pending") WHERE name = \("a")")
                    insideSignal.yield()
                    // Held open until the read is answered (a read that waited for this
                    // transaction would only be answered after the 10 s and see "pending").
                    let deadline = ContinuousClock.now.advanced(by: .seconds(10))
                    while !readDone.withLock({ $0 }), ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            for await _ in inside { break }
            // A plain SELECT is answered from the last commit while the write is under way.
            let state = try await db.first("SELECT state FROM flags WHERE name = \("a")")?.string("state")
            readDone.withLock { $0 = true }
            try await writer.value
            #expect(state == "committed")
            #expect(try await db.first("SELECT state FROM flags")?.string("state") == "pending")
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aUniqueViolationIsAConstraintError(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query("CREATE TABLE keys (k TEXT PRIMARY KEY)")
            try await db.query("INSERT INTO keys (k) VALUES (\("secret-value"))")
            let error = await #expect(throws: StoreError.self) {
                try await db.query("INSERT INTO keys (k) VALUES (\("secret-value"))")
            }
            #expect(error.map(isConstraint) == true)
            // The message names the rule, never the value that broke it.
            #expect(error.map { !$0.description.contains("secret-value") } == true)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func onConflictAndReturning(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query(
                """
                CREATE TABLE sends (id \(raw: db.dialect.autoIncrementPrimaryKey),
                    idempotency_key TEXT NOT NULL UNIQUE, attempts \(raw: db.dialect.bigint) NOT NULL)
                """)
            let first = try await db.query(
                """
                INSERT INTO sends (idempotency_key, attempts) VALUES (\("k1"), 0)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """)
            #expect(first.count == 1)
            let again = try await db.query(
                """
                INSERT INTO sends (idempotency_key, attempts) VALUES (\("k1"), 0)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """)
            #expect(again.isEmpty)
            let second = try await db.first(
                "INSERT INTO sends (idempotency_key, attempts) VALUES (\("k2"), 0) RETURNING id")
            #expect(try second?.int("id") ?? 0 > first[0].int("id"))
            let bumped = try await db.first(
                "UPDATE sends SET attempts = attempts + 1 WHERE idempotency_key = \("k1") RETURNING attempts")
            #expect(try bumped?.int("attempts") == 1)
            let upserted = try await db.first(
                """
                INSERT INTO sends (idempotency_key, attempts) VALUES (\("k1"), 0)
                ON CONFLICT (idempotency_key) DO UPDATE SET attempts = sends.attempts + 10 RETURNING attempts
                """)
            #expect(try upserted?.int("attempts") == 11)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func sqlFunctionsReadBackAsPlainValues(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrations: nil) { db in
            try await db.query("CREATE TABLE amounts (n \(raw: db.dialect.bigint))")
            try await db.query("INSERT INTO amounts (n) VALUES (40), (2)")
            // PostgreSQL's SUM of a BIGINT is NUMERIC and its comparisons are booleans.
            let row = try await db.first(
                "SELECT sum(n) AS total, count(*) AS c, max(n) > 3 AS big FROM amounts")
            #expect(try row?.int("total") == 42)
            #expect(try row?.int("c") == 2)
            #expect(try row?.bool("big") == true)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aClosedDatabaseIsUnavailable(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let db = try await TestBackend.open(location, migrations: nil)
            await db.close()
            await db.close()
            let error = await #expect(throws: StoreError.self) { try await db.query("SELECT 1 AS one") }
            #expect(error.map(isUnavailable) == true)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func dataSurvivesCloseAndReopen(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let db = try await TestBackend.open(location, migrations: nil)
            try await db.query("CREATE TABLE notes (body TEXT)")
            try await db.transaction { tx throws(StoreError) in
                try await tx.query("INSERT INTO notes (body) VALUES (\("still here"))")
            }
            await db.close()
            let reopened = try await TestBackend.open(location, migrations: nil)
            let body = try await reopened.first("SELECT body FROM notes")?.string("body")
            await reopened.close()
            #expect(body == "still here")
        }
    }

    @Test func theDatabaseUsedInsideItsOwnTransactionIsRefusedNotDeadlocked() async throws {
        try await TestBackend.sqlite.withDatabase(migrations: nil) { db in
            let error = await #expect(throws: StoreError.self) {
                try await db.transaction { _ throws(StoreError) in
                    try await db.query("SELECT 1 AS one")
                }
            }
            #expect(error.map { if case .query = $0 { true } else { false } } == true)
        }
    }

    @Test func anUnreachablePostgresServerIsUnavailable() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await PostgresDatabase.open(
                url: "postgres://nobody@127.0.0.1:1/none", logger: TestBackend.logger)
        }
        #expect(error.map(isUnavailable) == true)
    }

    @Test func sqliteOpensInAFolderItCreates() async throws {
        let (path, folder) = try ScratchDatabases.temporarySQLitePath()
        defer { try? FileManager.default.removeItem(at: folder) }
        let nested = URL(fileURLWithPath: path).deletingLastPathComponent()
            .appendingPathComponent("a/b/store.sqlite").path
        let db = try await SQLiteDatabase.open(path: nested, logger: TestBackend.logger)
        let mode = try await db.first("PRAGMA journal_mode")?.string("journal_mode")
        await db.close()
        #expect(mode == "wal")
        let permissions = try FileManager.default.attributesOfItem(atPath: nested)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}

func isConstraint(_ error: StoreError) -> Bool {
    if case .constraint = error { return true }
    return false
}

func isUnavailable(_ error: StoreError) -> Bool {
    if case .unavailable = error { return true }
    return false
}
