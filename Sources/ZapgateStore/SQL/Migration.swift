/// One step of the schema. Steps run in `version` order, each in its own transaction, and are
/// recorded so each runs once per database.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The statements, written for the dialect (types differ; everything else is shared).
    public let statements: @Sendable (SQLDialect) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (SQLDialect) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
