import Logging
import PostgresNIO
import Synchronization

/// A database on a PostgreSQL server, through PostgresNIO's connection pool. Statements
/// outside a transaction take any pooled connection; a transaction keeps one from `BEGIN` to
/// `COMMIT`. Transactions run at PostgreSQL's default READ COMMITTED isolation: a read that a
/// write depends on takes its row lock (``SQLDialect/forUpdate``) or the write is one atomic
/// statement.
public final class PostgresDatabase: SQLDatabase {
    public var dialect: SQLDialect { .postgres }

    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let closed = Mutex(false)

    /// Queries are not logged: their values may be secrets.
    static let quiet = Logger(label: "zapgate.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(client: PostgresClient, runner: Task<Void, Never>) {
        self.client = client
        self.runner = runner
    }

    /// Connects to the server at `url` (`postgres://user:password@host:5432/database`).
    ///
    /// One connection is made first, so that an unreachable server, a refused login or a
    /// missing database fail here with the server's reason; the pool would otherwise retry
    /// quietly for a minute.
    ///
    /// - Parameter maximumConnections: the pool's size.
    public static func open(
        url: String,
        maximumConnections: Int = 20,
        logger: Logger = Logger(label: "zapgate.store.postgres")
    ) async throws(StoreError) -> PostgresDatabase {
        let parsed = try PostgresURL(parsing: url)
        try await probe(parsed.connectionConfiguration(), logger: logger)
        var configuration = parsed.clientConfiguration()
        configuration.options.maximumConnections = max(maximumConnections, 1)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // Cancelling the task is how the pool is told to close its connections and stop.
        let runner = Task { await client.run() }
        return PostgresDatabase(client: client, runner: runner)
    }

    @discardableResult
    public func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        try checkOpen()
        do {
            let rows = try await client.query(Self.postgresQuery(query), logger: Self.quiet).collect()
            return try rows.map { row throws(StoreError) in try SQLRow(postgres: row) }
        } catch {
            throw StoreError(postgres: error)
        }
    }

    @discardableResult
    public func transaction<T: Sendable>(
        _ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        try checkOpen()
        let outcome: Result<T, StoreError>
        do {
            outcome = try await client.withConnection { connection in
                await Self.runTransaction(on: connection, body)
            }
        } catch {
            throw StoreError(postgres: error)
        }
        return try outcome.get()
    }

    public func close() async {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        runner.cancel()
        await runner.value
    }

    private func checkOpen() throws(StoreError) {
        if closed.withLock({ $0 }) { throw .unavailable("the PostgreSQL database is closed") }
    }

    /// The outcome carries the body's typed error out through the pool's untyped closure.
    private static func runTransaction<T: Sendable>(
        on connection: PostgresConnection,
        _ body: @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async -> Result<T, StoreError> {
        let transaction = PostgresTransaction(connection: connection)
        do throws(StoreError) {
            try await transaction.run("BEGIN")
            let result = try await body(transaction)
            transaction.end()
            try await transaction.run("COMMIT")
            return .success(result)
        } catch {
            transaction.end()
            do throws(StoreError) {
                // After a failed COMMIT the server has already rolled back; this only warns.
                try await transaction.run("ROLLBACK")
            } catch {
                // A connection whose transaction state is unknown must not go back to the pool.
                try? await connection.close()
            }
            return .failure(error)
        }
    }

    static func postgresQuery(_ query: SQLQuery) -> PostgresQuery {
        let (sql, values) = query.rendered(for: .postgres)
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { value.append(to: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    private static func probe(
        _ configuration: PostgresConnection.Configuration, logger: Logger
    ) async throws(StoreError) {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            let reason = StoreError(postgres: error)
            if case .unavailable = reason { throw reason }
            throw .unavailable(reason.description)
        }
    }
}
