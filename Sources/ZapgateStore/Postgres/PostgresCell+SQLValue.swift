import Foundation
import PostgresNIO

extension SQLValue {
    /// Binds as the type a column of ours has: BIGINT, DOUBLE PRECISION, TEXT, BYTEA, so an
    /// `INSERT` needs no casts. NULL goes unspecified and takes the column's type.
    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .null: bindings.appendNull()
        case .integer(let value): bindings.append(value)
        case .real(let value): bindings.append(value)
        case .text(let value): bindings.append(value)
        case .blob(let value): bindings.append(ByteBuffer(bytes: value))
        }
    }

    /// Reads a cell by its type. Booleans become 0 and 1, as SQLite stores them; NUMERIC (what
    /// `SUM` of a BIGINT gives) becomes an integer when it is a whole number that fits.
    init(postgres cell: PostgresCell) throws(StoreError) {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
            case .float4, .float8: self = .real(try cell.decode(Double.self))
            case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: self = .blob(try cell.decode(Data.self))
            case .text, .varchar, .bpchar, .name, .json, .jsonb: self = .text(try cell.decode(String.self))
            case .uuid: self = .text(try cell.decode(UUID.self).uuidString.lowercased())
            case .numeric: self = Self(numeric: try cell.decode(Decimal.self))
            case .void: self = .null
            default:
                throw StoreError.corrupt(
                    "column \(cell.columnName) has a type the store does not read (\(cell.dataType))")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .corrupt("column \(cell.columnName) could not be read as \(cell.dataType)")
        }
    }

    private init(numeric: Decimal) {
        let text = "\(numeric)"
        if let integer = Int64(text) {
            self = .integer(integer)
        } else {
            self = .real(Double(text) ?? .nan)
        }
    }
}

extension SQLRow {
    init(postgres row: PostgresRow) throws(StoreError) {
        var columns: [String] = []
        var values: [SQLValue] = []
        columns.reserveCapacity(row.count)
        values.reserveCapacity(row.count)
        for cell in row {
            columns.append(cell.columnName)
            values.append(try SQLValue(postgres: cell))
        }
        self.init(columns: columns, values: values)
    }
}
