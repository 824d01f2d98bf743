extension QRCode {
    /// The symbol as a standalone SVG document: a white background and one black `<path>` that
    /// draws each horizontal run of dark modules as a rectangle, with a quiet zone of `border`
    /// modules.
    ///
    /// The `viewBox` counts modules (`0 0 n n` with `n = size + 2 * border`), so the image scales
    /// cleanly; `width` and `height` are `n * moduleSize`, the size a browser shows it at unless
    /// styled. `shape-rendering="crispEdges"` keeps module edges sharp.
    ///
    /// Rendering cannot fail: a `moduleSize` outside ``scales`` or a `border` outside
    /// ``borders`` is clamped into its range.
    public func svg(moduleSize: Int = 8, border: Int = 4) -> String {
        let moduleSize = Self.scales.clamped(moduleSize)
        let border = Self.borders.clamped(border)
        let modulesAcross = size + 2 * border
        let pixelsAcross = modulesAcross * moduleSize

        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < size, isDark(x: x, y: y) {
                    x += 1
                }
                let run = x - start
                path += "M\(start + border) \(y + border)h\(run)v1h-\(run)z"
            }
        }

        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(modulesAcross) \(modulesAcross)" \
            width="\(pixelsAcross)" height="\(pixelsAcross)" shape-rendering="crispEdges">
            <rect width="\(modulesAcross)" height="\(modulesAcross)" fill="#fff"/>
            <path d="\(path)" fill="#000"/>
            </svg>

            """
    }
}

extension ClosedRange<Int> {
    /// `value`, or the nearer end of the range when it lies outside.
    func clamped(_ value: Int) -> Int {
        Swift.min(Swift.max(value, lowerBound), upperBound)
    }
}
