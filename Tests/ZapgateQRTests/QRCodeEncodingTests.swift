import Foundation
import Testing
import ZapgateQR

/// The module grid libqrencode gives back, and the errors it reports.
@Suite struct QRCodeEncodingTests {
    @Test func gridShape() throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 600))
        #expect((1...40).contains(code.version))
        #expect(code.size == 17 + 4 * code.version)
        #expect(code.modules.count == code.size * code.size)
    }

    @Test func finderPatternsSitInThreeCorners() throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 601))
        let last = code.size - 1
        // Each finder: a dark 7×7 ring, a light ring inside it, a dark 3×3 centre, and a light
        // separator outside it.
        for (originX, originY) in [(0, 0), (last - 6, 0), (0, last - 6)] {
            #expect(code.isDark(x: originX, y: originY))
            #expect(code.isDark(x: originX + 6, y: originY + 6))
            #expect(!code.isDark(x: originX + 1, y: originY + 1))
            #expect(code.isDark(x: originX + 3, y: originY + 3))
        }
        #expect(!code.isDark(x: 7, y: 7))
        #expect(!code.isDark(x: last - 7, y: 7))
        #expect(!code.isDark(x: 7, y: last - 7))
    }

    @Test func outsideTheSymbolIsLight() throws {
        let code = try QRCode(encoding: "quiet zone")
        #expect(code.isDark(x: 0, y: 0))
        for (x, y) in [(-1, 0), (0, -1), (code.size, 0), (0, code.size), (Int.min, Int.max)] {
            #expect(!code.isDark(x: x, y: y))
        }
    }

    @Test func tooLongText() {
        // 8-bit mode holds at most 2953 bytes at level L and 1273 at level H (version 40).
        let atLow = String(repeating: "x", count: 2954)
        #expect(throws: QRCodeError.tooLong(bytes: 2954)) {
            try QRCode(encoding: atLow, errorCorrection: .low)
        }
        let atHigh = String(repeating: "x", count: 1274)
        #expect(throws: QRCodeError.tooLong(bytes: 1274)) {
            try QRCode(encoding: atHigh, errorCorrection: .high)
        }
    }

    @Test func largestTextFits() throws {
        let code = try QRCode(encoding: String(repeating: "x", count: 2953), errorCorrection: .low)
        #expect(code.version == 40)
        #expect(code.size == 177)
    }

    @Test func tooLongCountsUTF8Bytes() {
        // "é" is two bytes in UTF-8: 1500 of them do not fit where 1500 ASCII letters would.
        #expect(throws: QRCodeError.tooLong(bytes: 3000)) {
            try QRCode(encoding: String(repeating: "é", count: 1500), errorCorrection: .low)
        }
    }

    @Test func emptyTextIsAnEncoderError() {
        #expect(throws: QRCodeError.encoderFailed(errno: EINVAL)) { try QRCode(encoding: "") }
    }

    @Test func nulIsRejectedNotTruncated() {
        #expect(throws: QRCodeError.containsNullCharacter) { try QRCode(encoding: "before\u{0}after") }
    }

    @Test func levelChangesTheSymbol() throws {
        let text = LinkingStrings.make(seed: 602)
        #expect(
            try QRCode(encoding: text, errorCorrection: .low)
                != QRCode(encoding: text, errorCorrection: .high))
    }
}
