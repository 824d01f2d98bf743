import Foundation

/// Places for tests to put a database they throw away: a temporary SQLite file, or a fresh
/// database on the test PostgreSQL server named by `ZAPGATE_TEST_POSTGRES_URL`.
///
/// Only names and paths live here (this target has no database driver); creating and dropping
/// the PostgreSQL database is done with the store's own connection (see
/// Tests/ZapgateStoreTests/Support/TestDatabases.swift).
public enum ScratchDatabases {
    /// The environment variable holding the test server's URL, e.g.
    /// `postgresql://postgres@127.0.0.1:5433/postgres` (what `scripts/postgres.sh start` prints).
    public static let postgresURLVariable = "ZAPGATE_TEST_POSTGRES_URL"

    /// The test server is not configured. A failure, never a skip: a run without PostgreSQL
    /// must not pass as if both backends had been tested.
    public struct PostgresNotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "\(postgresURLVariable) is not set, so the PostgreSQL half of the storage tests cannot run. "
                + "Start the test server and export its URL: "
                + "export \(postgresURLVariable)=$(scripts/postgres.sh start)"
        }
    }

    /// The test server's URL.
    public static func postgresServerURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[postgresURLVariable], !url.isEmpty else {
            throw PostgresNotConfigured()
        }
        return url
    }

    /// A database name no other test uses: `zt_` and 16 hex digits (no quoting needed).
    public static func randomDatabaseName() -> String {
        "zt_" + String(format: "%016llx", UInt64.random(in: .min ... .max))
    }

    /// `serverURL` with its database replaced by `database`.
    public static func url(_ serverURL: String, database: String) throws -> String {
        guard var components = URLComponents(string: serverURL) else {
            throw BadURL(text: "\(postgresURLVariable) is not a URL")
        }
        components.path = "/" + database
        guard let url = components.string else { throw BadURL(text: "cannot rewrite \(postgresURLVariable)") }
        return url
    }

    /// A database path in a new, empty temporary folder; remove the folder when done.
    public static func temporarySQLitePath() throws -> (path: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("zapgate-test-\(UUID().uuidString.lowercased())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (folder.appendingPathComponent("store.sqlite").path, folder)
    }

    public struct BadURL: Error, CustomStringConvertible {
        public let text: String
        public var description: String { text }
    }
}
