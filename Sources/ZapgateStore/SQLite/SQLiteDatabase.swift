import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// A database in one SQLite file, in WAL mode with full syncs: a commit is on disk before it
/// returns, and survives the process being killed or the machine losing power.
///
/// Writes and transactions go through one connection, one at a time, in arrival order.
/// Plain `SELECT`s outside a transaction are served by a few read-only connections beside it,
/// which WAL lets read the last committed state while a write is under way.
public final class SQLiteDatabase: SQLDatabase {
    public var dialect: SQLDialect { .sqlite }

    /// The file, as given to ``open(path:readers:logger:)``.
    public let path: String

    let writer: SQLiteConnectionSlot
    private let readers: [SQLiteConnectionSlot]
    private let nextReader = Atomic<Int>(0)
    private let closed = Mutex(false)
    private let logger: Logger

    /// How long a statement waits for another process's lock on the file before failing.
    static let busyTimeoutMilliseconds = 5000

    private init(path: String, writer: SQLiteConnectionSlot, readers: [SQLiteConnectionSlot], logger: Logger)
    {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the database file at `path`, and its folder.
    ///
    /// - Parameter readers: read-only connections for `SELECT`s outside transactions; 0 sends
    ///   everything through the one writing connection.
    public static func open(
        path: String,
        readers readerCount: Int = 2,
        logger: Logger = Logger(label: "zapgate.store.sqlite")
    ) async throws(StoreError) -> SQLiteDatabase {
        let url = URL(fileURLWithPath: path)
        let isNew = try prepareFolder(for: url)
        let writer = try await openConnection(path: url.path, logger: logger)
        var opened = [writer]
        do throws(StoreError) {
            // WAL lets readers go on while one writer commits; FULL syncs the log on every
            // commit, which is what makes an accepted message durable.
            let mode = try await writer.run("PRAGMA journal_mode=WAL").first?.optionalString("journal_mode")
            if mode?.lowercased() != "wal" {
                logger.warning(
                    "SQLite refused WAL mode; reads will wait for writes",
                    metadata: ["path": "\(path)", "mode": "\(mode ?? "none")"])
            }
            try await writer.run("PRAGMA synchronous=FULL")
            try await writer.run("PRAGMA foreign_keys=ON")
            if isNew { restrictPermissions(of: url, logger: logger) }
            var readers: [SQLiteConnectionSlot] = []
            for _ in 0..<max(readerCount, 0) {
                let reader = try await openConnection(path: url.path, logger: logger)
                opened.append(reader)
                try await reader.run("PRAGMA query_only=ON")
                readers.append(reader)
            }
            return SQLiteDatabase(path: path, writer: writer, readers: readers, logger: logger)
        } catch {
            for connection in opened { await connection.close() }
            throw error
        }
    }

    @discardableResult
    public func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        try checkOpen()
        let slot = isPlainRead(query) ? pickReader() : writer
        return try await slot.withLock { () async throws(StoreError) -> [SQLRow] in
            try await slot.run(query)
        }
    }

    @discardableResult
    public func transaction<T: Sendable>(
        _ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        try checkOpen()
        return try await writer.withLock { () async throws(StoreError) -> T in
            try await writer.run("BEGIN IMMEDIATE")
            let transaction = SQLiteTransaction(slot: writer)
            do throws(StoreError) {
                let outcome = await runMarked(body, in: transaction)
                let result = try outcome.get()
                transaction.end()
                try await writer.run("COMMIT")
                return result
            } catch {
                transaction.end()
                await rollback()
                throw error
            }
        }
    }

    /// Runs the body with the writer marked as held by this task, so that a use of the
    /// database itself inside it fails instead of waiting forever. (TaskLocal.withValue
    /// rethrows untyped; the outcome keeps the error typed.)
    private func runMarked<T: Sendable>(
        _ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T,
        in transaction: SQLiteTransaction
    ) async -> Result<T, StoreError> {
        await SQLiteConnectionSlot.$holding.withValue(writer.id) {
            do throws(StoreError) {
                return .success(try await body(transaction))
            } catch {
                return .failure(error)
            }
        }
    }

    public func close() async {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        // Waits for the statement or transaction under way, then lets nothing else start.
        for reader in readers {
            await reader.withLock { await reader.close() }
        }
        await writer.withLock { await writer.close() }
    }

    /// A failed COMMIT or a failed statement may already have ended the transaction; ROLLBACK
    /// then fails harmlessly. Anything else means the connection is in an unknown state.
    ///
    /// It runs in a task of its own because SQLiteNIO refuses statements from a cancelled task:
    /// a transaction whose task was cancelled would otherwise stay open on the writer, and
    /// every later transaction would fail ("cannot start a transaction within a transaction").
    private func rollback() async {
        let writer = writer
        let outcome = await Task { () async -> Result<Void, StoreError> in
            do throws(StoreError) {
                try await writer.run("ROLLBACK")
                return .success(())
            } catch {
                return .failure(error)
            }
        }.value
        guard case .failure(let error) = outcome else { return }
        if case .query(let message) = error, message.contains("no transaction is active") { return }
        logger.error("SQLite ROLLBACK failed", metadata: ["error": "\(error)"])
    }

    private func checkOpen() throws(StoreError) {
        if closed.withLock({ $0 }) { throw .unavailable("the SQLite database \(path) is closed") }
        // The writer is held by this very task: waiting for it would never end.
        if SQLiteConnectionSlot.holding == writer.id {
            throw .query("the database was used inside its own transaction; use the transaction's executor")
        }
    }

    private func pickReader() -> SQLiteConnectionSlot {
        guard !readers.isEmpty else { return writer }
        let turn = UInt(bitPattern: nextReader.wrappingAdd(1, ordering: .relaxed).oldValue)
        return readers[Int(turn % UInt(readers.count))]
    }

    /// Only a statement that starts with SELECT goes to a read-only connection: `WITH` may
    /// front an `INSERT`, and the readers refuse writes anyway.
    private func isPlainRead(_ query: SQLQuery) -> Bool {
        for part in query.parts {
            guard case .sql(let text) = part else { return false }
            let trimmed = text.drop(while: { $0.isWhitespace || $0.isNewline })
            if trimmed.isEmpty { continue }
            return trimmed.prefix(6).lowercased() == "select"
        }
        return false
    }

    /// Returns whether the file is new.
    private static func prepareFolder(for url: URL) throws(StoreError) -> Bool {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable("cannot create \(folder.path): \(error.localizedDescription)")
        }
        return !FileManager.default.fileExists(atPath: url.path)
    }

    /// The file holds the gateway's keys and tokens; SQLite gives its -wal and -shm files the
    /// same permissions as the database file.
    private static func restrictPermissions(of url: URL, logger: Logger) {
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            logger.warning(
                "cannot restrict the database file to its owner", metadata: ["path": "\(url.path)"])
        }
    }

    private static func openConnection(path: String, logger: Logger) async throws(StoreError)
        -> SQLiteConnectionSlot
    {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw .unavailable("cannot open SQLite database \(path): \(StoreError(sqlite: error))")
        }
        let slot = SQLiteConnectionSlot(connection: connection)
        do throws(StoreError) {
            // Replaces SQLiteNIO's retry-forever busy handler with a bounded wait.
            try await slot.run("PRAGMA busy_timeout=\(raw: String(busyTimeoutMilliseconds))")
        } catch {
            await slot.close()
            throw error
        }
        return slot
    }
}
