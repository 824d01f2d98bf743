/// Why a QR code could not be made or rendered.
public enum QRCodeError: Error, Equatable, Sendable {
    /// The text does not fit in the largest QR code (version 40) at the chosen error-correction
    /// level; `bytes` is its UTF-8 length.
    case tooLong(bytes: Int)
    /// The text contains a NUL character, which libqrencode's C-string interface would silently
    /// cut the text at.
    case containsNullCharacter
    /// libqrencode failed for another reason, with the errno it reported (`EINVAL` for empty
    /// text, `ENOMEM` when out of memory).
    case encoderFailed(errno: Int32)
    /// A rendering parameter is out of its documented range; the text names which and why.
    case invalidRendering(String)
    /// zlib could not compress the PNG image data (its status code).
    case compressionFailed(status: Int32)
}
