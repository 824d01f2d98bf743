import Foundation
import Testing

@testable import ZapgateQR

/// The PNG container: signature, chunk order, header fields, checksums and the range checks.
@Suite struct QRCodePNGTests {
    @Test func crcMatchesTheKnownCheckValue() {
        // The standard CRC-32 check value, so the test's own CRC is known to be right.
        #expect(PNGChunks.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test(arguments: [(1, 0), (1, 4), (3, 2), (8, 4), (5, 7)])
    func structure(scale: Int, border: Int) throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 500))
        let png = try code.png(scale: scale, border: border)
        let file = try PNGChunks(png)

        #expect(file.chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for chunk in file.chunks {
            #expect(chunk.storedCRC == chunk.computedCRC, "CRC of \(chunk.type)")
        }

        let header = try #require(file.chunks.first)
        #expect(header.data.count == 13)
        let side = UInt32((code.size + 2 * border) * scale)
        #expect(PNGChunks.bigEndian(header.data, at: 0) == side)
        #expect(PNGChunks.bigEndian(header.data, at: 4) == side)
        // Bit depth 1, grayscale, deflate, filter method 0, no interlace.
        #expect(Array(header.data[8...]) == [1, 0, 0, 0, 0])

        let imageData = try #require(file.chunks.dropFirst().first?.data)
        // A zlib stream: CM 8 (deflate) and a header checksum that divides by 31.
        #expect(imageData.count > 2)
        #expect(imageData[0] & 0x0F == 8)
        #expect((UInt16(imageData[0]) << 8 | UInt16(imageData[1])) % 31 == 0)
        #expect(file.chunks.last?.data.isEmpty == true)
    }

    /// zbar tolerates a pixel out of place at larger scales, so the pixels themselves are
    /// checked here, before compression, against the module grid.
    @Test(arguments: [(1, 0), (1, 3), (2, 4), (3, 1), (7, 2)])
    func everyPixelFollowsItsModule(scale: Int, border: Int) throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 502))
        let scanlines = code.pngScanlines(scale: scale, border: border)
        let pixelsAcross = (code.size + 2 * border) * scale
        let rowLength = 1 + (pixelsAcross + 7) / 8
        #expect(scanlines.count == rowLength * pixelsAcross)
        for y in 0..<pixelsAcross {
            let row = scanlines[(y * rowLength)..<((y + 1) * rowLength)]
            #expect(row.first == 0, "filter type of row \(y)")
            var mismatches = 0
            for x in 0..<pixelsAcross {
                let white = row[row.startIndex + 1 + x / 8] >> (7 - UInt8(x % 8)) & 1 == 1
                if white == code.isDark(x: x / scale - border, y: y / scale - border) {
                    mismatches += 1
                }
            }
            #expect(mismatches == 0, "row \(y)")
        }
    }

    @Test func sameCodeSameBytes() throws {
        let text = LinkingStrings.make(seed: 501)
        let first = try QRCode(encoding: text)
        let second = try QRCode(encoding: text)
        #expect(first == second)
        #expect(try first.png() == second.png())
    }

    @Test(arguments: [0, -1, 65, Int.max, Int.min])
    func scaleOutOfRange(scale: Int) throws {
        let code = try QRCode(encoding: "scale")
        #expect {
            try code.png(scale: scale)
        } throws: { error in
            guard case .invalidRendering(let message) = error as? QRCodeError else { return false }
            return message.contains("scale")
        }
        #expect(throws: QRCodeError.self) { try code.pngDataURL(scale: scale) }
    }

    @Test(arguments: [-1, 65, Int.max, Int.min])
    func borderOutOfRange(border: Int) throws {
        let code = try QRCode(encoding: "border")
        #expect {
            try code.png(border: border)
        } throws: { error in
            guard case .invalidRendering(let message) = error as? QRCodeError else { return false }
            return message.contains("border")
        }
    }

    @Test func largestRenderingIsAccepted() throws {
        let code = try QRCode(encoding: "x")
        let file = try PNGChunks(code.png(scale: 64, border: 64))
        let header = try #require(file.chunks.first)
        #expect(PNGChunks.bigEndian(header.data, at: 0) == UInt32((code.size + 128) * 64))
    }
}
