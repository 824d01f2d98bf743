import Foundation

/// A PNG file split into chunks, read without the library's writer so the tests check the
/// format rather than the code that wrote it.
struct PNGChunks {
    struct Chunk {
        var type: String
        var data: [UInt8]
        var storedCRC: UInt32
        /// The CRC-32 recomputed here over type and data.
        var computedCRC: UInt32
    }

    enum ParseError: Error {
        case badSignature
        case truncated(offset: Int)
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    var chunks: [Chunk] = []

    init(_ data: Data) throws(ParseError) {
        let bytes = [UInt8](data)
        guard bytes.starts(with: Self.signature) else { throw .badSignature }
        var offset = Self.signature.count
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw .truncated(offset: offset) }
            let length = Int(Self.bigEndian(bytes, at: offset))
            guard offset + 12 + length <= bytes.count else { throw .truncated(offset: offset) }
            let body = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            chunks.append(
                Chunk(
                    type: String(decoding: body.prefix(4), as: UTF8.self),
                    data: Array(body.dropFirst(4)),
                    storedCRC: Self.bigEndian(bytes, at: offset + 8 + length),
                    computedCRC: Self.crc32(body)))
            offset += 12 + length
        }
    }

    static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// CRC-32 as PNG defines it (reflected polynomial 0xEDB88320), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }
}
