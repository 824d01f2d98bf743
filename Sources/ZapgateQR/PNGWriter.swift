import CZlib
import Foundation

/// Writes a PNG file (ISO/IEC 15948) chunk by chunk: the signature, then each chunk as length,
/// type, data and a CRC-32 over type and data.
struct PNGWriter {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    private(set) var bytes: [UInt8] = PNGWriter.signature

    /// Appends one chunk; `type` is its four-letter ASCII name.
    mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "PNG chunk types are four letters")
        appendBigEndian(UInt32(data.count))
        let body = typeBytes + data
        bytes += body
        appendBigEndian(Self.crc32(body))
    }

    /// The image header: width and height in pixels, grayscale at one bit per pixel, no
    /// interlacing.
    mutating func appendHeader(width: UInt32, height: UInt32) {
        var header: [UInt8] = []
        header += Self.bigEndian(width)
        header += Self.bigEndian(height)
        // Bit depth 1, colour type 0 (grayscale), compression 0 (deflate), filter method 0,
        // interlace 0.
        header += [1, 0, 0, 0, 0]
        appendChunk("IHDR", header)
    }

    /// zlib-compresses filtered scanlines into one IDAT chunk.
    mutating func appendImageData(_ scanlines: [UInt8]) throws(QRCodeError) {
        var compressedLength = compressBound(uLong(scanlines.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        let status = compress2(
            &compressed, &compressedLength, scanlines, uLong(scanlines.count), Z_BEST_COMPRESSION)
        guard status == Z_OK else { throw .compressionFailed(status: status) }
        appendChunk("IDAT", Array(compressed[0..<Int(compressedLength)]))
    }

    /// The empty chunk that ends the file.
    mutating func appendEnd() {
        appendChunk("IEND", [])
    }

    private mutating func appendBigEndian(_ value: UInt32) {
        bytes += Self.bigEndian(value)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        // Chunks here are far below zlib's 4 GiB length limit; the IDAT is bounded by the
        // rendering limits QRCode.png checks.
        let crc = CZlib.crc32(0, bytes, uInt(bytes.count))
        return UInt32(truncatingIfNeeded: crc)
    }
}
