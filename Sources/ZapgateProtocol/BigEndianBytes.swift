import Foundation

/// The fixed-width big-endian integers WhatsApp puts in node content: registration ids in four
/// bytes, prekey ids in three.
public enum BigEndianBytes {
    /// `value`'s lowest `width` bytes, most significant first.
    public static func encode(_ value: UInt32, width: Int) -> Data {
        Data((0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) })
    }

    /// The integer in `data`, which must be exactly `width` bytes long.
    public static func decode(_ data: Data, width: Int) -> UInt32? {
        guard data.count == width, width <= 4 else { return nil }
        return data.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
