import Foundation

/// WhatsApp's plaintext padding for `v="2"` payloads, applied inside the Signal encryption:
/// append n bytes each of value n. (The Signal layer's own PKCS#7 padding is separate.)
public enum WhatsAppPadding {
    /// Appends 1…15 bytes of their own count, the count drawn at random (whatsmeow's rule;
    /// Baileys draws 1…16, which `unpad` also accepts).
    public static func pad(_ plaintext: Data) -> Data {
        var generator = SystemRandomNumberGenerator()
        return pad(plaintext, using: &generator)
    }

    /// `pad` with a chosen random source, so tests can pin the length.
    public static func pad(_ plaintext: Data, using generator: inout some RandomNumberGenerator) -> Data {
        var count = UInt8.random(in: 0...255, using: &generator) & 0x0F
        if count == 0 { count = 0x0F }
        return plaintext + Data(repeating: count, count: Int(count))
    }

    /// Checks that the last byte n is non-zero and the last n bytes all equal n, then strips them.
    public static func unpad(_ padded: Data) throws(SignalError) -> Data {
        guard let last = padded.last, last > 0, Int(last) <= padded.count,
            padded.suffix(Int(last)).allSatisfy({ $0 == last })
        else { throw .invalidPadding }
        return Data(padded.prefix(padded.count - Int(last)))
    }
}
