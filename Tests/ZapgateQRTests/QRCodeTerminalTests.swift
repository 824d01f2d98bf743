import Testing
import ZapgateQR

/// Terminal text: no scanner reads it here, so the checks are structural and module by module.
@Suite struct QRCodeTerminalTests {
    private static let glyphs: Set<Character> = ["\u{2588}", "\u{2580}", "\u{2584}", " "]

    @Test(arguments: [(0, false), (2, false), (2, true), (3, true), (4, false)])
    func shape(border: Int, inverted: Bool) throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 800))
        let text = code.terminalText(border: border, inverted: inverted)
        let across = code.size + 2 * border
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == (across + 1) / 2)
        for line in lines {
            #expect(line.count == across)
            #expect(line.allSatisfy { Self.glyphs.contains($0) })
        }
    }

    @Test func knownModulesMapToTheirGlyphs() throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 801))
        // The top-left finder: rows 0 and 1 of column 0 are both dark; in column 1 row 0 is
        // dark and row 1 light (the inner light ring).
        #expect(code.isDark(x: 0, y: 0) && code.isDark(x: 0, y: 1))
        #expect(code.isDark(x: 1, y: 0) && !code.isDark(x: 1, y: 1))

        let plain = Array(try #require(code.terminalText(border: 0).split(separator: "\n").first))
        #expect(plain[0] == "\u{2588}")
        #expect(plain[1] == "\u{2580}")
        let inverted = Array(
            try #require(code.terminalText(border: 0, inverted: true).split(separator: "\n").first))
        #expect(inverted[0] == " ")
        #expect(inverted[1] == "\u{2584}")
    }

    @Test func everyCellFollowsTheGrid() throws {
        let code = try QRCode(encoding: LinkingStrings.make(seed: 802))
        let border = 1
        let across = code.size + 2 * border
        for inverted in [false, true] {
            let lines = code.terminalText(border: border, inverted: inverted).split(separator: "\n")
            for (index, line) in lines.enumerated() {
                for (column, glyph) in line.enumerated() {
                    let top = code.isDark(x: column - border, y: 2 * index - border) != inverted
                    let bottomRow = 2 * index + 1
                    let bottom =
                        bottomRow < across
                        && code.isDark(x: column - border, y: bottomRow - border) != inverted
                    let expected: Character =
                        switch (top, bottom) {
                        case (true, true): "\u{2588}"
                        case (true, false): "\u{2580}"
                        case (false, true): "\u{2584}"
                        case (false, false): " "
                        }
                    #expect(glyph == expected, "line \(index) column \(column)")
                }
            }
        }
    }

    @Test func outOfRangeBorderIsClamped() throws {
        let code = try QRCode(encoding: "clamp")
        #expect(code.terminalText(border: -5) == code.terminalText(border: 0))
        #expect(code.terminalText(border: .max) == code.terminalText(border: 64))
    }

    @Test func quietZoneIsBackgroundOrInk() throws {
        let code = try QRCode(encoding: "quiet")
        let across = code.size + 4
        let plain = code.terminalText(border: 2).split(separator: "\n")
        #expect(plain.first.map(String.init) == String(repeating: " ", count: across))
        // Inverted, the quiet zone is the light ink.
        let inverted = code.terminalText(border: 2, inverted: true).split(separator: "\n")
        #expect(inverted.first.map(String.init) == String(repeating: "\u{2588}", count: across))
    }
}
