import Foundation
import NIOCore
import SQLiteNIO

extension SQLValue {
    /// The value as SQLiteNIO binds it.
    var sqliteData: SQLiteData {
        switch self {
        case .null: return .null
        case .integer(let value): return .integer(Int(value))
        case .real(let value): return .float(value)
        case .text(let value): return .text(value)
        case .blob(let data):
            // SQLite binds a blob with no address as NULL; a buffer with room for a byte has
            // an address even when it holds none, so an empty blob stays an empty blob.
            var buffer = ByteBufferAllocator().buffer(capacity: max(data.count, 1))
            buffer.writeBytes(data)
            return .blob(buffer)
        }
    }

    init(sqlite data: SQLiteData) {
        switch data {
        case .null: self = .null
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .real(value)
        case .text(let value): self = .text(value)
        case .blob(let buffer): self = .blob(Data(buffer.readableBytesView))
        }
    }
}

extension SQLRow {
    init(sqlite row: SQLiteRow) {
        let columns = row.columns
        self.init(columns: columns.map(\.name), values: columns.map { SQLValue(sqlite: $0.data) })
    }
}
