import Foundation
import ZapgateTestSupport

/// Text shaped like what the phone scans to link a device: a deep link carrying the server's
/// reference and three base64 keys, all from seeded random bytes so every run sees the same
/// cases.
enum LinkingStrings {
    /// Shaped like WhatsApp's linking URL, on a host that cannot
    /// exist: QR content is never fetched, and tests name no real host.
    static let prefix = "https://linked-devices.example.invalid/settings#"

    /// One linking string, about 200 characters.
    static func make(seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        let reference = "2@" + randomBase64(byteCount: Int.random(in: 40...70, using: &generator), &generator)
        let keys = (0..<3).map { _ in randomBase64(byteCount: 32, &generator) }
        let type = Int.random(in: 0...1, using: &generator)
        return prefix + ([reference] + keys + [String(type)]).joined(separator: ",")
    }

    /// A long string of the same alphabet, for symbols near the largest versions.
    static func long(characters: Int, seed: UInt64) -> String {
        var generator = SeededGenerator(seed: seed)
        var text = prefix
        while text.count < characters {
            text += randomBase64(byteCount: 48, &generator) + ","
        }
        return String(text.prefix(characters))
    }

    private static func randomBase64(byteCount: Int, _ generator: inout SeededGenerator) -> String {
        Data((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            .base64EncodedString()
    }
}
