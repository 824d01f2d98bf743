import CQRencode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A QR code symbol: a square grid of dark and light modules, made by libqrencode.
///
/// Every output format (PNG, SVG, terminal text) renders this one grid, so they always agree.
/// The value holds no C memory: the grid is copied out of libqrencode and freed at once.
public struct QRCode: Sendable, Equatable {
    /// How much of the symbol may be damaged or hidden and still decode. Higher levels hold
    /// less text in a symbol of the same size.
    public enum ErrorCorrection: Sendable, Equatable, Hashable, CaseIterable {
        /// Recovers about 7% of the codewords.
        case low
        /// Recovers about 15% of the codewords.
        case medium
        /// Recovers about 25% of the codewords.
        case quartile
        /// Recovers about 30% of the codewords.
        case high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// The number of modules on each side of the symbol, without any quiet zone
    /// (21 for version 1, up to 177 for version 40).
    public let size: Int
    /// The QR version, 1...40: the smallest that holds the text at the chosen level.
    public let version: Int
    /// The error-correction level the symbol was encoded at.
    public let errorCorrection: ErrorCorrection
    /// The modules row by row, top to bottom, each row left to right; `true` is dark.
    public let modules: [Bool]

    /// Encodes `text` as UTF-8 bytes, case preserved, in the smallest version that fits.
    ///
    /// libqrencode picks numeric or alphanumeric mode for runs where that is shorter and 8-bit
    /// mode for the rest, so a decoder gives back exactly `text`.
    ///
    /// - Throws: ``QRCodeError/tooLong(bytes:)`` when the text does not fit in version 40,
    ///   ``QRCodeError/containsNullCharacter`` for text with a NUL, and
    ///   ``QRCodeError/encoderFailed(errno:)`` otherwise (for instance for empty text).
    public init(encoding text: String, errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) {
        guard !text.utf8.contains(0) else { throw .containsNullCharacter }
        errno = 0
        // Version 0 lets libqrencode choose; the final 1 keeps lowercase letters as they are
        // instead of upper-casing them into alphanumeric mode.
        guard let symbol = QRcode_encodeString(text, 0, errorCorrection.level, QR_MODE_8, 1) else {
            let code = errno
            if code == ERANGE { throw .tooLong(bytes: text.utf8.count) }
            throw .encoderFailed(errno: code)
        }
        defer { QRcode_free(symbol) }

        let width = Int(symbol.pointee.width)
        // libqrencode packs several flags into each byte; only bit 0 says dark or light.
        let data = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        size = width
        version = Int(symbol.pointee.version)
        self.errorCorrection = errorCorrection
        modules = data.map { $0 & 1 == 1 }
    }

    /// Whether the module in column `x`, row `y` (from the top left) is dark. Coordinates
    /// outside the symbol are light, as the quiet zone around it is.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
