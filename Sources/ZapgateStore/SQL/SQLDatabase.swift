/// Runs statements. A ``SQLDatabase`` is one; so is the transaction it hands to
/// ``SQLDatabase/transaction(_:)``.
public protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs a statement and returns its rows (none for statements without `RETURNING`).
    @discardableResult
    func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow]
}

extension SQLExecutor {
    /// The first row, if any.
    public func first(_ query: SQLQuery) async throws(StoreError) -> SQLRow? {
        try await self.query(query).first
    }
}

/// A database: SQLite in a file, or PostgreSQL at a URL. Everything the gateway and the
/// engine keep goes through this, so both implementations pass the same tests.
public protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// Statements inside must go through the executor it is given.
    @discardableResult
    func transaction<T: Sendable>(
        _ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T

    /// Closes the connections. Calls after this fail.
    func close() async
}
