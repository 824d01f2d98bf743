/// The JSON a media server answers an upload with. `url` and `direct_path` are what messages
/// carry; the others are optional and only read when present.
public struct MediaUploadResponse: Sendable, Equatable, Codable {
    public var url: String
    public var directPath: String
    public var handle: String?
    public var objectID: String?

    public init(url: String, directPath: String, handle: String? = nil, objectID: String? = nil) {
        self.url = url
        self.directPath = directPath
        self.handle = handle
        self.objectID = objectID
    }

    enum CodingKeys: String, CodingKey {
        case url
        case directPath = "direct_path"
        case handle
        case objectID = "object_id"
    }
}
