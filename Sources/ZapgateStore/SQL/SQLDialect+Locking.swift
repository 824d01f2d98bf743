extension SQLDialect {
    /// Appended to a `SELECT` inside a transaction that reads rows it is about to change.
    /// PostgreSQL transactions run at READ COMMITTED, so a read-then-write needs the row lock
    /// to not lose a concurrent update; SQLite transactions already run one at a time.
    public var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }
}
