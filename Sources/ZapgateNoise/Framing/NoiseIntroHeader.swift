import Foundation

/// What the client sends once, before its first frame: the `"WA"` 06 03 header, optionally
/// preceded by an edge-routing prefix (`"ED"` 0 1 ‖ 3-byte length ‖ routing info) that Baileys
/// sends when the server gave it routing info on an earlier connection.
///
/// Only the 4-byte `"WA"` header is the Noise prologue; the routing prefix is not hashed.
public struct NoiseIntroHeader: Sendable, Equatable {
    /// The routing bytes of the edge-routing prefix, if any.
    public var routingInfo: Data?

    /// A header with an optional edge-routing prefix.
    public init(routingInfo: Data? = nil) {
        self.routingInfo = routingInfo
    }

    /// The bytes to put on the wire before the first frame.
    public func encoded() throws(NoiseFramingError) -> Data {
        guard let routingInfo else { return NoiseConstants.introHeader }
        guard routingInfo.count <= NoiseConstants.maximumFrameLength else {
            throw .routingInfoTooLarge(length: routingInfo.count)
        }
        var bytes = NoiseConstants.edgeRoutingMagic
        bytes.append(contentsOf: NoiseFrameLength.encode(routingInfo.count))
        bytes.append(routingInfo)
        bytes.append(NoiseConstants.introHeader)
        return bytes
    }
}
