import Foundation

/// Puts payloads into frames: a 3-byte big-endian length, then the payload. An initiator's
/// encoder puts the intro header in front of the first frame, and only that one.
public struct NoiseFrameEncoder: Sendable {
    private var pendingIntro: Data?

    /// An encoder for the server, which never sends an intro header.
    public init() {
        pendingIntro = nil
    }

    /// An encoder for the client, which sends `introHeader` once, before the first frame.
    public init(introHeader: NoiseIntroHeader) throws(NoiseFramingError) {
        pendingIntro = try introHeader.encoded()
    }

    /// Whether the intro header still has to go out with the next frame.
    public var isIntroPending: Bool { pendingIntro != nil }

    /// The bytes of one frame carrying `payload` (preceded by the intro header the first time).
    public mutating func encode(_ payload: Data) throws(NoiseFramingError) -> Data {
        guard payload.count <= NoiseConstants.maximumFrameLength else {
            throw .frameTooLarge(length: payload.count, maximum: NoiseConstants.maximumFrameLength)
        }
        var bytes = Data()
        bytes.reserveCapacity((pendingIntro?.count ?? 0) + NoiseConstants.frameLengthSize + payload.count)
        if let pendingIntro {
            bytes.append(pendingIntro)
            self.pendingIntro = nil
        }
        bytes.append(contentsOf: NoiseFrameLength.encode(payload.count))
        bytes.append(payload)
        return bytes
    }
}
