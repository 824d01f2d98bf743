import Foundation

/// One result row: its values by column name, with typed accessors that fail with
/// ``StoreError/corrupt(_:)`` rather than trap when a value is not what the schema promises.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value of a column, or `.null` when the row has no such column.
    public subscript(column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    public func optionalInt(_ column: String) throws(StoreError) -> Int64? {
        switch self[column] {
        case .null: return nil
        case .integer(let value): return value
        case .real(let value) where value.rounded() == value: return Int64(value)
        case .text(let text):
            guard let value = Int64(text) else { throw .corrupt("\(column) is not an integer") }
            return value
        default: throw .corrupt("\(column) is not an integer")
        }
    }

    public func int(_ column: String) throws(StoreError) -> Int64 {
        guard let value = try optionalInt(column) else { throw .corrupt("\(column) is null") }
        return value
    }

    public func optionalString(_ column: String) throws(StoreError) -> String? {
        switch self[column] {
        case .null: return nil
        case .text(let text): return text
        default: throw .corrupt("\(column) is not text")
        }
    }

    public func string(_ column: String) throws(StoreError) -> String {
        guard let value = try optionalString(column) else { throw .corrupt("\(column) is null") }
        return value
    }

    public func optionalData(_ column: String) throws(StoreError) -> Data? {
        switch self[column] {
        case .null: return nil
        case .blob(let data): return data
        default: throw .corrupt("\(column) is not bytes")
        }
    }

    public func data(_ column: String) throws(StoreError) -> Data {
        guard let value = try optionalData(column) else { throw .corrupt("\(column) is null") }
        return value
    }

    public func optionalDouble(_ column: String) throws(StoreError) -> Double? {
        switch self[column] {
        case .null: return nil
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: throw .corrupt("\(column) is not a number")
        }
    }

    public func bool(_ column: String) throws(StoreError) -> Bool { try int(column) != 0 }

    /// A time stored as milliseconds since 1970.
    public func optionalDate(_ column: String) throws(StoreError) -> Date? {
        try optionalInt(column).map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }

    public func date(_ column: String) throws(StoreError) -> Date {
        Date(timeIntervalSince1970: TimeInterval(try int(column)) / 1000)
    }

    public func optionalUUID(_ column: String) throws(StoreError) -> UUID? {
        guard let text = try optionalString(column) else { return nil }
        guard let uuid = UUID(uuidString: text) else { throw .corrupt("\(column) is not a UUID") }
        return uuid
    }

    public func uuid(_ column: String) throws(StoreError) -> UUID {
        guard let value = try optionalUUID(column) else { throw .corrupt("\(column) is null") }
        return value
    }
}
