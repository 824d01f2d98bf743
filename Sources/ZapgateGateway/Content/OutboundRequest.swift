import Foundation

/// A send the API accepted, as stored in the queue until it goes out: already validated,
/// addresses already parsed, base64 media already saved as an upload.
struct OutboundRequest: Codable, Sendable, Equatable {
    /// The chat JID.
    var to: String
    /// The API's message type.
    var type: String
    var text: String?
    /// JIDs mentioned in a text.
    var mentions: [String]?
    /// The id of a message this one quotes.
    var quote: String?
    var media: OutboundMedia?
    var caption: String?
    var fileName: String?
    var voiceNote: Bool?
    var seconds: Int?
    var latitude: Double?
    var longitude: Double?
    var name: String?
    var address: String?
    var displayName: String?
    var vcard: String?
    /// The message a reaction, edit or revoke is about.
    var targetMessageId: String?
    var emoji: String?

    init(to: String, type: String) {
        self.to = to
        self.type = type
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)) ?? Data()
    }

    static func decode(_ data: Data) -> OutboundRequest? {
        try? JSONDecoder().decode(OutboundRequest.self, from: data)
    }

    /// What the API shows under `content` for this message.
    var content: MessageContent {
        var fields = MessageContent()
        fields.caption = caption
        fields.mimetype = media?.mimetype
        fields.fileName = fileName
        fields.seconds = seconds
        fields.latitude = latitude
        fields.longitude = longitude
        fields.name = name
        fields.address = address
        fields.displayName = displayName
        fields.vcard = vcard
        fields.targetMessageId = targetMessageId
        fields.emoji = emoji
        fields.mentions = mentions
        return fields
    }
}

/// Where an outbound message's media comes from: bytes uploaded earlier (base64 bodies are
/// saved as uploads when accepted), or a URL fetched when the message goes out.
struct OutboundMedia: Codable, Sendable, Equatable {
    var uploadID: UUID?
    var url: String?
    var mimetype: String?
}
