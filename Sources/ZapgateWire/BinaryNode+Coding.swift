import Foundation

extension BinaryNode {
    /// Bounds for decoding input that came off the network.
    public struct DecodingLimits: Sendable, Hashable {
        /// The deepest nesting of nodes accepted (the root is depth 1).
        public var maximumDepth: Int
        /// The most bytes a zlib-compressed frame payload may inflate to.
        public var maximumInflatedSize: Int

        public init(maximumDepth: Int = 64, maximumInflatedSize: Int = 32 << 20) {
            self.maximumDepth = maximumDepth
            self.maximumInflatedSize = maximumInflatedSize
        }

        /// 64 levels and 32 MiB.
        public static let standard = DecodingLimits()
    }

    /// The frame-payload flag bit that marks zlib-compressed node data.
    static let compressedFlag: UInt8 = 0x02

    /// The node in binary XML, without the frame flag byte.
    public func encoded() throws(BinaryNodeEncodingError) -> Data {
        var writer = BinaryNodeWriter()
        try writer.write(self)
        return Data(writer.bytes)
    }

    /// A frame payload as clients send it: flag byte 0x00 (uncompressed), then the node.
    public func encodedFramePayload() throws(BinaryNodeEncodingError) -> Data {
        var writer = BinaryNodeWriter()
        writer.writeUncompressedFlag()
        try writer.write(self)
        return Data(writer.bytes)
    }

    /// Decodes node data without a frame flag byte. The data must hold exactly one node.
    public init(decoding data: Data, limits: DecodingLimits = .standard) throws(BinaryNodeDecodingError) {
        var reader = BinaryNodeReader(bytes: [UInt8](data), maximumDepth: limits.maximumDepth)
        self = try reader.readDocument()
    }

    /// Decodes a decrypted frame payload: a flag byte, then node data, zlib-compressed when the
    /// flag has bit 0x02 set.
    public init(framePayload: Data, limits: DecodingLimits = .standard) throws(BinaryNodeDecodingError) {
        guard let flag = framePayload.first else { throw .emptyPayload }
        var bytes = [UInt8](framePayload.dropFirst())
        if flag & Self.compressedFlag != 0 {
            bytes = try Zlib.inflate(bytes, limit: limits.maximumInflatedSize).get()
        }
        var reader = BinaryNodeReader(bytes: bytes, maximumDepth: limits.maximumDepth)
        self = try reader.readDocument()
    }
}
