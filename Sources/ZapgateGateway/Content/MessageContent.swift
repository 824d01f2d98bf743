import Foundation

/// The fields of a message beyond its type and text, as the API shows them under `content`.
/// Stored as JSON with the message; absent fields are left out.
public struct MessageContent: Codable, Sendable, Equatable {
    public var caption: String?
    public var mimetype: String?
    public var fileName: String?
    public var size: Int?
    public var seconds: Int?
    public var latitude: Double?
    public var longitude: Double?
    public var name: String?
    public var address: String?
    public var displayName: String?
    public var vcard: String?
    /// The message a reaction, edit or revoke is about.
    public var targetMessageId: String?
    public var emoji: String?
    public var mentions: [String]?

    public init() {}

    /// The JSON stored in the `content` column.
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ json: String) -> MessageContent {
        (try? JSONDecoder().decode(MessageContent.self, from: Data(json.utf8))) ?? MessageContent()
    }
}
