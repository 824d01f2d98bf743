/// The two 4-bit alphabets of packed strings: NIBBLE_8 (`0-9`, `-`, `.`) and HEX_8 (`0-9`,
/// `A-F`, uppercase only). Code 15 pads an odd-length string.
enum PackedAlphabet {
    case nibble
    case hex

    static let pad: UInt8 = 0x0F

    func contains(_ character: UInt8) -> Bool {
        switch (self, character) {
        case (_, UInt8(ascii: "0")...UInt8(ascii: "9")): true
        case (.nibble, UInt8(ascii: "-")), (.nibble, UInt8(ascii: ".")): true
        case (.hex, UInt8(ascii: "A")...UInt8(ascii: "F")): true
        default: false
        }
    }

    /// The 4-bit code of a character that ``contains(_:)`` accepted.
    func code(for character: UInt8) -> UInt8 {
        switch character {
        case UInt8(ascii: "-"): 10
        case UInt8(ascii: "."): 11
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: character &- UInt8(ascii: "0")
        }
    }

    /// The character of a 4-bit code, or nil for a code this alphabet does not use (NIBBLE_8
    /// 12...15; the pad is handled by the caller).
    func character(for code: UInt8) -> UInt8? {
        switch (self, code) {
        case (_, 0...9): UInt8(ascii: "0") + code
        case (.nibble, 10): UInt8(ascii: "-")
        case (.nibble, 11): UInt8(ascii: ".")
        case (.hex, 10...15): UInt8(ascii: "A") + code - 10
        default: nil
        }
    }
}
