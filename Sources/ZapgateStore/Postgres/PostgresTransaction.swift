import PostgresNIO
import Synchronization

/// The executor a PostgreSQL transaction hands its body: statements on the one connection
/// the transaction holds. Refuses use after the transaction has ended.
final class PostgresTransaction: SQLExecutor {
    var dialect: SQLDialect { .postgres }

    private let connection: PostgresConnection
    private let ended = Mutex(false)

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        if ended.withLock({ $0 }) {
            throw .query("the transaction has ended; its executor was kept too long")
        }
        return try await run(query)
    }

    /// Runs a statement whatever the state (BEGIN, COMMIT and ROLLBACK go through here).
    @discardableResult
    func run(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        do {
            let rows = try await connection.query(
                PostgresDatabase.postgresQuery(query), logger: PostgresDatabase.quiet
            )
            .collect()
            return try rows.map { row throws(StoreError) in try SQLRow(postgres: row) }
        } catch {
            throw StoreError(postgres: error)
        }
    }

    func end() {
        ended.withLock { $0 = true }
    }
}
