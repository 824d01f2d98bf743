import Synchronization

/// The executor a SQLite transaction hands its body: statements on the writing connection,
/// whose lock the transaction holds. Refuses use after the transaction has ended.
final class SQLiteTransaction: SQLExecutor {
    var dialect: SQLDialect { .sqlite }

    private let slot: SQLiteConnectionSlot
    private let ended = Mutex(false)

    init(slot: SQLiteConnectionSlot) {
        self.slot = slot
    }

    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        if ended.withLock({ $0 }) {
            throw .query("the transaction has ended; its executor was kept too long")
        }
        return try await slot.run(query)
    }

    func end() {
        ended.withLock { $0 = true }
    }
}
