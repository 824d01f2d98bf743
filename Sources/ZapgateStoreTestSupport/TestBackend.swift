import Foundation
import Logging
import Testing
import ZapgateStore
import ZapgateTestSupport

/// The two implementations every storage test runs against:
///
/// ```swift
/// @Test(arguments: TestBackend.allCases)
/// func something(_ backend: TestBackend) async throws {
///     try await backend.withDatabase { db in … }
/// }
/// ```
///
/// SQLite gets a fresh file in a temporary folder; PostgreSQL a fresh database on the server
/// named by `ZAPGATE_TEST_POSTGRES_URL`, dropped afterwards. Without that variable the
/// PostgreSQL case fails, saying how to start the server.
public enum TestBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// Logs nothing: the pool's connection chatter would bury the test output.
    public static let logger = Logger(label: "zapgate.test.store", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with an open database, migrated with `migrations` (`nil`: not migrated at all,
    /// not even `schema_migrations`), and throws it away afterwards.
    public func withDatabase<T>(
        migrations: [Migration]? = Migrations.all,
        _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await withScratchLocation { location in
            let database = try await Self.open(location, migrations: migrations)
            do {
                let result = try await body(database)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        }
    }

    /// Runs `body` with an empty place for a database that it may open (and close, and open
    /// again) itself, then removes it.
    public func withScratchLocation<T>(_ body: (StoreLocation) async throws -> T) async throws -> T {
        let location: StoreLocation
        let cleanup: () async -> Void
        switch self {
        case .sqlite:
            let (path, folder) = try ScratchDatabases.temporarySQLitePath()
            location = .sqlite(path: path)
            cleanup = { try? FileManager.default.removeItem(at: folder) }
        case .postgres:
            let server = try ScratchDatabases.postgresServerURL()
            let name = ScratchDatabases.randomDatabaseName()
            try await Self.onServer(server, "CREATE DATABASE \(name)")
            location = .postgres(url: try ScratchDatabases.url(server, database: name))
            cleanup = { try? await Self.onServer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        }
        do {
            let result = try await body(location)
            await cleanup()
            return result
        } catch {
            await cleanup()
            throw error
        }
    }

    /// Opens the database at `location` (quietly), migrated like ``withDatabase(migrations:_:)``.
    public static func open(_ location: StoreLocation, migrations: [Migration]? = Migrations.all) async throws
        -> any SQLDatabase
    {
        if let migrations {
            return try await openDatabase(location, migrations: migrations, logger: logger)
        }
        switch location {
        case .sqlite(let path): return try await SQLiteDatabase.open(path: path, logger: logger)
        case .postgres(let url): return try await PostgresDatabase.open(url: url, logger: logger)
        }
    }

    /// Runs one statement on the server's maintenance database (CREATE and DROP DATABASE
    /// cannot run inside a transaction, so it goes as a plain query).
    private static func onServer(_ serverURL: String, _ statement: String) async throws {
        let server = try await PostgresDatabase.open(url: serverURL, maximumConnections: 1, logger: logger)
        do {
            try await server.query(SQLQuery(stringLiteral: statement))
            await server.close()
        } catch {
            await server.close()
            throw error
        }
    }
}

extension StoreLocation {
    /// The location as `ZAPGATE_DATABASE_URL` spells it.
    public var urlString: String {
        switch self {
        case .sqlite(let path): "sqlite:" + path
        case .postgres(let url): url
        }
    }
}
