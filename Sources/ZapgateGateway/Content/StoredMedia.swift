import Foundation
import ZapgateEngine
import ZapgateProtocol

/// What downloading a received message's media needs, kept with the message (the media key
/// is only as secret as the message it came in).
struct StoredMedia: Codable, Sendable, Equatable {
    var kind: MediaKind
    var directPath: String
    var mediaKey: Data
    var fileSHA256: Data
    var fileEncSHA256: Data
    var fileLength: UInt64?
    var mimetype: String?

    init(_ reference: MediaReference, mimetype: String?) {
        kind = reference.kind
        directPath = reference.directPath
        mediaKey = reference.mediaKey
        fileSHA256 = reference.fileSHA256
        fileEncSHA256 = reference.fileEncSHA256
        fileLength = reference.fileLength
        self.mimetype = mimetype
    }

    var reference: MediaReference {
        MediaReference(
            kind: kind, directPath: directPath, mediaKey: mediaKey, fileSHA256: fileSHA256,
            fileEncSHA256: fileEncSHA256, fileLength: fileLength)
    }

    func json() -> String? {
        (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func parse(_ json: String?) -> StoredMedia? {
        json.flatMap { try? JSONDecoder().decode(StoredMedia.self, from: Data($0.utf8)) }
    }
}
