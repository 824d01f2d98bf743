import Foundation

extension QRCode {
    /// The module sizes the renderings accept, in pixels per module: the `scale` of
    /// ``png(scale:border:)`` and the `moduleSize` of ``svg(moduleSize:border:)``.
    public static let scales = 1...64
    /// The quiet-zone widths ``png(scale:border:)`` and the other renderings accept, in modules.
    /// The QR standard asks for 4; scanners often manage with less.
    public static let borders = 0...64

    /// The symbol as a PNG image: black modules on white, with a white quiet zone of `border`
    /// modules on every side, each module `scale` × `scale` pixels.
    ///
    /// The image is one-bit grayscale, `(size + 2 * border) * scale` pixels on each side.
    ///
    /// - Throws: ``QRCodeError/invalidRendering(_:)`` when `scale` is outside ``scales`` or
    ///   `border` outside ``borders``.
    public func png(scale: Int = 8, border: Int = 4) throws(QRCodeError) -> Data {
        guard Self.scales.contains(scale) else {
            throw .invalidRendering("PNG scale \(scale) is outside \(Self.scales)")
        }
        guard Self.borders.contains(border) else {
            throw .invalidRendering("border \(border) is outside \(Self.borders)")
        }
        let pixelsAcross = (size + 2 * border) * scale
        var writer = PNGWriter()
        writer.appendHeader(width: UInt32(pixelsAcross), height: UInt32(pixelsAcross))
        try writer.appendImageData(pngScanlines(scale: scale, border: border))
        writer.appendEnd()
        return Data(writer.bytes)
    }

    /// The PNG of ``png(scale:border:)`` as a `data:image/png;base64,…` URL, ready for an
    /// `<img src>` or a JSON field.
    ///
    /// - Throws: as ``png(scale:border:)``.
    public func pngDataURL(scale: Int = 8, border: Int = 4) throws(QRCodeError) -> String {
        "data:image/png;base64," + (try png(scale: scale, border: border)).base64EncodedString()
    }

    /// The image before compression: for each pixel row a filter-type byte of 0 (none), then
    /// the pixels eight to a byte, most significant bit first, 0 black and 1 white. The
    /// parameters are already checked.
    func pngScanlines(scale: Int, border: Int) -> [UInt8] {
        let modulesAcross = size + 2 * border
        let pixelsAcross = modulesAcross * scale
        let rowLength = 1 + (pixelsAcross + 7) / 8

        var scanlines: [UInt8] = []
        scanlines.reserveCapacity(rowLength * pixelsAcross)
        for moduleY in 0..<modulesAcross {
            // Each module row makes `scale` identical pixel rows; the unused bits at the end of
            // a row stay 1, which PNG ignores.
            var row = [UInt8](repeating: 0xFF, count: rowLength)
            row[0] = 0
            for pixelX in 0..<pixelsAcross
            where isDark(x: pixelX / scale - border, y: moduleY - border) {
                row[1 + pixelX / 8] &= ~(0x80 >> UInt8(pixelX % 8))
            }
            for _ in 0..<scale {
                scanlines += row
            }
        }
        return scanlines
    }
}
