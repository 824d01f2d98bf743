import Foundation

/// The gateway's records (settings, plans, tenants, API keys, instances, messages, uploads)
/// over one ``SQLDatabase``. Written once for SQLite and PostgreSQL.
public struct GatewayStore: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    var dialect: SQLDialect { database.dialect }
}

/// One page of a listing, and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque; nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// A position in a listing ordered by creation time, then id: the last item a page showed.
struct CreationCursor {
    var createdAt: Int64
    var id: String

    init(createdAt: Int64, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    /// Parses a cursor a client sent back; a malformed one is the client's mistake.
    init(_ text: String) throws(GatewayStoreError) {
        guard let data = Data(base64URLEncoded: text), let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":"), let time = Int64(decoded[..<colon])
        else { throw .invalidCursor }
        createdAt = time
        id = String(decoded[decoded.index(after: colon)...])
    }

    var text: String { Data("\(createdAt):\(id)".utf8).base64URLEncodedString() }
}

extension Data {
    /// Base64 with the URL-safe alphabet and no padding, for cursors.
    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        self.init(base64Encoded: standard)
    }
}
