import Foundation

/// Why bytes could not be framed or unframed.
public enum NoiseFramingError: Error, Equatable, Sendable {
    /// A payload is longer than a frame may be.
    case frameTooLarge(length: Int, maximum: Int)
    /// The connection did not open with `"WA"` 06 03 or an `"ED"` 0 1 routing prefix; carries
    /// the first bytes seen.
    case invalidIntroHeader(Data)
    /// Edge-routing info longer than a 3-byte length allows (or than this decoder accepts).
    case routingInfoTooLarge(length: Int)
}
