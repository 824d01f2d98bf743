import Foundation
import Logging

/// Where the store keeps its data, as `ZAPGATE_DATABASE_URL` gives it:
/// `sqlite:./data/zapgate.sqlite` (the default) or `postgres://user:password@host:5432/db`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file; a relative path is taken from the working directory.
    case sqlite(path: String)
    /// A PostgreSQL server.
    case postgres(url: String)

    /// Where the store goes when nothing is configured.
    public static let defaultLocation = StoreLocation.sqlite(path: "./data/zapgate.sqlite")

    /// Reads `sqlite:PATH` (also `sqlite://PATH`), `postgres://…` or `postgresql://…`.
    public init(parsing text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sqlite:") {
            var path = trimmed.dropFirst("sqlite:".count)
            if path.hasPrefix("//") { path = path.dropFirst(2) }
            guard !path.isEmpty else {
                throw .configuration("sqlite: needs a file path, as in sqlite:./data/zapgate.sqlite")
            }
            self = .sqlite(path: String(path))
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            _ = try PostgresURL(parsing: trimmed)
            self = .postgres(url: trimmed)
        } else {
            throw .configuration(
                "the database URL must start with sqlite: (as in sqlite:./data/zapgate.sqlite) or postgres://"
            )
        }
    }

    /// The location with a PostgreSQL password hidden, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard let parsed = try? PostgresURL(parsing: url) else { return "postgres://…" }
            let login = parsed.username + (parsed.password == nil ? "" : ":***")
            return "postgres://\(login)@\(parsed.host):\(parsed.port)/\(parsed.database ?? "")"
        }
    }
}

/// Opens the database at `location` and brings its schema up to date.
public func openDatabase(
    _ location: StoreLocation,
    migrations: [Migration] = Migrations.all,
    logger: Logger
) async throws(StoreError) -> any SQLDatabase {
    let database: any SQLDatabase
    switch location {
    case .sqlite(let path): database = try await SQLiteDatabase.open(path: path, logger: logger)
    case .postgres(let url): database = try await PostgresDatabase.open(url: url, logger: logger)
    }
    do {
        try await database.migrate(migrations)
    } catch {
        await database.close()
        throw error
    }
    return database
}
