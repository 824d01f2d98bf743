extension QRCode {
    /// The symbol as text for a terminal, two module rows to a line using the half-block
    /// characters `█` (both), `▀` (upper), `▄` (lower) and space (neither), with a quiet zone of
    /// `border` modules.
    ///
    /// The characters draw "ink" in the terminal's foreground colour over its background.
    /// By default dark modules are the ink, which is right for a light background with dark
    /// text. Set `inverted` for the usual dark terminal with light text: then the light modules
    /// and the quiet zone are the ink, and the dark modules show the dark background. When the
    /// rows are odd in number, the lower half of the last line is left to the background.
    ///
    /// The result has `(size + 2 * border + 1) / 2` lines of `size + 2 * border` characters,
    /// each line ending in a newline. Terminals that treat these characters as double width
    /// (some East Asian locales) will stretch it.
    ///
    /// Rendering cannot fail: a `border` outside ``borders`` is clamped into it.
    public func terminalText(border: Int = 2, inverted: Bool = false) -> String {
        let border = Self.borders.clamped(border)
        let modulesAcross = size + 2 * border

        func ink(_ column: Int, _ row: Int) -> Bool {
            // Beyond the last row is terminal background, not part of the image.
            guard row < modulesAcross else { return false }
            return isDark(x: column - border, y: row - border) != inverted
        }

        var text = ""
        for row in stride(from: 0, to: modulesAcross, by: 2) {
            for column in 0..<modulesAcross {
                switch (ink(column, row), ink(column, row + 1)) {
                case (true, true): text += "\u{2588}"
                case (true, false): text += "\u{2580}"
                case (false, true): text += "\u{2584}"
                case (false, false): text += " "
                }
            }
            text += "\n"
        }
        return text
    }
}
