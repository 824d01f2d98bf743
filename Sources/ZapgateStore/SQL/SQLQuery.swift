/// A statement with its values kept apart from its text. Written as a string literal, every
/// interpolated value becomes a bound parameter, so input never becomes SQL:
///
/// ```swift
/// let query: SQLQuery = "SELECT name FROM tenants WHERE id = \(id)"
/// ```
///
/// `\(raw:)` splices trusted SQL text (a table name, a dialect's type) in as it is.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation {
    enum Part: Sendable {
        case sql(String)
        case bind(SQLValue)
    }

    var parts: [Part]

    public init(stringLiteral value: String) {
        parts = [.sql(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// The text with the dialect's placeholders (`?` or `$1`, `$2` …) and the values in order.
    public func rendered(for dialect: SQLDialect) -> (sql: String, binds: [SQLValue]) {
        var sql = ""
        var binds: [SQLValue] = []
        for part in parts {
            switch part {
            case .sql(let text):
                sql += text
            case .bind(let value):
                binds.append(value)
                sql += dialect.placeholder(binds.count)
            }
        }
        return (sql, binds)
    }

    /// Joins queries with a separator, keeping each one's values.
    public static func joined(_ queries: [SQLQuery], separator: String) -> SQLQuery {
        var result = SQLQuery(stringLiteral: "")
        for (index, query) in queries.enumerated() {
            if index > 0 { result.parts.append(.sql(separator)) }
            result.parts += query.parts
        }
        return result
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            parts.append(.sql(literal))
        }

        public mutating func appendInterpolation(_ value: some SQLBindable) {
            parts.append(.bind(value.sqlValue))
        }

        /// An optional value: NULL when absent.
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            parts.append(.bind(value.sqlValue))
        }

        /// Trusted SQL text, spliced in as it is. Never pass input here.
        public mutating func appendInterpolation(raw text: String) {
            parts.append(.sql(text))
        }

        /// Another query, with its values.
        public mutating func appendInterpolation(_ query: SQLQuery) {
            parts += query.parts
        }
    }
}
