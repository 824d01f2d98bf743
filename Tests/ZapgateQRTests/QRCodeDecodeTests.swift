import Foundation
import Testing
import ZapgateQR

/// Renders PNGs and has zbar read them back: the decoded text must be the input, byte for byte.
@Suite struct QRCodeDecodeTests {
    @Test(arguments: 1...8)
    func linkingStringAtEveryScale(scale: Int) throws {
        let text = LinkingStrings.make(seed: UInt64(scale))
        let code = try QRCode(encoding: text)
        // At one pixel a module zbar's scanner only finds symbols that start on an odd pixel
        // (the same pixels shifted by one pixel decode), so scale 1 gets an odd border.
        // From two pixels a module on, the standard border of 4 decodes.
        let border = scale == 1 ? 3 : 4
        #expect(try ZbarDecoder.decode(png: code.png(scale: scale, border: border)) == .decoded(text))
    }

    @Test(arguments: QRCode.ErrorCorrection.allCases)
    func smallestScaleAtEveryLevel(level: QRCode.ErrorCorrection) throws {
        let text = LinkingStrings.make(seed: 150)
        let code = try QRCode(encoding: text, errorCorrection: level)
        #expect(try ZbarDecoder.decode(png: code.png(scale: 1, border: 1)) == .decoded(text))
    }

    @Test(arguments: [1, 2, 4, 10])
    func linkingStringWithBorder(border: Int) throws {
        let text = LinkingStrings.make(seed: 100 + UInt64(border))
        let code = try QRCode(encoding: text)
        #expect(try ZbarDecoder.decode(png: code.png(scale: 3, border: border)) == .decoded(text))
    }

    @Test(arguments: QRCode.ErrorCorrection.allCases)
    func everyErrorCorrectionLevel(level: QRCode.ErrorCorrection) throws {
        for seed in UInt64(200)..<203 {
            let text = LinkingStrings.make(seed: seed)
            let code = try QRCode(encoding: text, errorCorrection: level)
            #expect(code.errorCorrection == level)
            #expect(try ZbarDecoder.decode(png: code.png(scale: 2)) == .decoded(text))
        }
    }

    @Test func higherLevelsNeedLargerSymbols() throws {
        let text = LinkingStrings.make(seed: 300)
        let sizes = try QRCode.ErrorCorrection.allCases.map { level throws(QRCodeError) in
            try QRCode(encoding: text, errorCorrection: level).size
        }
        #expect(sizes == sizes.sorted())
        #expect(sizes.first.map { $0 < sizes.last ?? 0 } == true)
    }

    @Test(arguments: [1_000, 1_800])
    func longText(characters: Int) throws {
        let text = LinkingStrings.long(characters: characters, seed: UInt64(characters))
        let code = try QRCode(encoding: text)
        #expect(code.version >= 20)
        #expect(try ZbarDecoder.decode(png: code.png(scale: 4)) == .decoded(text))
    }

    @Test func mixedCaseAndDigitsSurvive() throws {
        // Digit and upper-case runs tempt the encoder into numeric and alphanumeric modes;
        // the lower-case letters around them must come back lower-case.
        let text = LinkingStrings.prefix + "2@AbC0123456789xyz,HELLO world 42,abc"
        let code = try QRCode(encoding: text, errorCorrection: .high)
        #expect(try ZbarDecoder.decode(png: code.png(scale: 4)) == .decoded(text))
    }

    @Test func dataURLCarriesThePNG() throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 400))
        let url = try code.pngDataURL(scale: 2, border: 4)
        let prefix = "data:image/png;base64,"
        #expect(url.hasPrefix(prefix))
        let png = try #require(Data(base64Encoded: String(url.dropFirst(prefix.count))))
        #expect(png == (try code.png(scale: 2, border: 4)))
    }
}
