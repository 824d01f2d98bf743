import PostgresNIO

extension StoreError {
    /// Keeps the server's message and SQLSTATE, never the query's bound values (they may be
    /// secrets) nor the server's DETAIL (it repeats the conflicting key).
    init(postgres error: any Error) {
        if let error = error as? StoreError {
            self = error
            return
        }
        if error is CancellationError {
            self = .query("cancelled")
            return
        }
        guard let error = error as? PSQLError else {
            // The pool's own errors (its circuit breaker tripped after failing to connect).
            self = .unavailable("PostgreSQL: \(String(describing: error))")
            return
        }
        if error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = "\(info[.message] ?? "server error") (SQLSTATE \(state))"
            // Connection exceptions, bad login, no such database, too many connections, and
            // the server shutting down (57P, not 57014, a statement cancelled by a timeout).
            let unavailable = ["08", "28", "3D", "53"].contains(state.prefix(2)) || state.hasPrefix("57P")
            if state.hasPrefix("23") {
                self = .constraint(message)
            } else if unavailable {
                self = .unavailable(message)
            } else {
                self = .query(message)
            }
            return
        }
        let message = "PostgreSQL \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        switch error.code {
        case .queryCancelled, .tooManyParameters, .messageDecodingFailure, .unexpectedBackendMessage,
            .invalidCommandTag:
            self = .query(message)
        default:
            // TLS, authentication and every way a connection can be lost or refused.
            self = .unavailable(message)
        }
    }
}
