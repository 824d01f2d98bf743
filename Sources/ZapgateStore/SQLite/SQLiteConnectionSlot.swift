import SQLiteNIO

/// One SQLite connection and the lock that keeps its users one at a time.
final class SQLiteConnectionSlot: Sendable {
    /// The slot whose transaction the current task is inside, to refuse a nested use that
    /// would wait on itself.
    @TaskLocal static var holding: ObjectIdentifier?

    let connection: SQLiteConnection
    private let lock = AsyncSerialLock()

    var id: ObjectIdentifier { ObjectIdentifier(self) }

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    func withLock<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        try await lock.withLock(body)
    }

    /// Runs a statement; the caller holds the lock.
    @discardableResult
    func run(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        // Waiters queued before close() reach here after it.
        guard !connection.isClosed else { throw .unavailable("the SQLite connection is closed") }
        let (sql, binds) = query.rendered(for: .sqlite)
        do {
            return try await connection.query(sql, binds.map(\.sqliteData)).map(SQLRow.init(sqlite:))
        } catch {
            throw StoreError(sqlite: error)
        }
    }

    func close() async {
        // Closing only fails when the thread pool is already gone, and then so is the handle's use.
        try? await connection.close()
    }
}
