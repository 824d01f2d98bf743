import Foundation
import ZapgateCrypto

/// The 32-byte key that device secrets are encrypted under at rest.
///
/// Its bytes never appear in a description, a log line or an error: printing a `MasterKey`
/// shows only that it is redacted.
public struct MasterKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key's length in bytes.
    public static let byteCount = 32

    let bytes: Data

    /// A key from its raw bytes; anything but 32 bytes is refused.
    public init(bytes: Data) throws(MasterKeyError) {
        guard bytes.count == Self.byteCount else {
            throw .malformed("the key must be 32 bytes, not \(bytes.count)")
        }
        self.bytes = Data(bytes)
    }

    /// A key from its text form: 64 hexadecimal digits, or base64 of 32 bytes (the forms
    /// `ZAPGATE_MASTER_KEY` accepts). Surrounding whitespace is ignored.
    public init(parsing text: String) throws(MasterKeyError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 2 * Self.byteCount, let bytes = Self.hexBytes(trimmed) {
            self.bytes = bytes
            return
        }
        if let bytes = Data(base64Encoded: trimmed), bytes.count == Self.byteCount {
            self.bytes = bytes
            return
        }
        // Only the length is reported: the text may be most of a real key.
        throw .malformed(
            "expected 64 hexadecimal digits or base64 of 32 bytes (got \(trimmed.count) characters)")
    }

    /// A new random key.
    public static func generate() -> MasterKey {
        MasterKey(unchecked: SecureRandom.bytes(byteCount))
    }

    private init(unchecked bytes: Data) {
        self.bytes = bytes
    }

    /// The key as 64 lowercase hexadecimal digits, the form the key file holds and
    /// `ZAPGATE_MASTER_KEY` accepts. Handle with care: this is the secret itself.
    public var hexEncoded: String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    public var description: String { "MasterKey(redacted)" }
    public var debugDescription: String { description }
    /// No children, so `dump` and debuggers show no key bytes either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    private static func hexBytes(_ text: String) -> Data? {
        var bytes = Data(capacity: text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return high == nil ? bytes : nil
    }
}
