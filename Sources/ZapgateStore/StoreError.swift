/// Why the store could not do what was asked.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database could not be opened or reached.
    case unavailable(String)
    /// A statement failed (syntax, a broken connection mid-query).
    case query(String)
    /// A uniqueness or foreign-key rule refused the write.
    case constraint(String)
    /// Stored data is not what the schema promises, or does not decrypt.
    case corrupt(String)
    /// The configuration is wrong (a bad URL, a master key of the wrong size).
    case configuration(String)
    /// The database was migrated by a newer build: it records schema version `recorded`, and
    /// this build knows versions up to `known`. Refused rather than risk writing an old shape.
    case schemaTooNew(recorded: Int, known: Int)

    public var description: String {
        switch self {
        case .unavailable(let why): "database unavailable: \(why)"
        case .query(let why): "query failed: \(why)"
        case .constraint(let why): "constraint violated: \(why)"
        case .corrupt(let why): "stored data corrupt: \(why)"
        case .configuration(let why): "store configuration: \(why)"
        case .schemaTooNew(let recorded, let known):
            "database schema version \(recorded) is newer than this build knows (\(known)); run a newer zapgate"
        }
    }
}
