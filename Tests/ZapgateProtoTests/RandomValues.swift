import Foundation
import ZapgateTestSupport

/// Random field values of the shapes WhatsApp messages carry.
struct RandomValues {
    var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func chance(_ probability: Double = 0.6) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }

    mutating func bytes(_ count: ClosedRange<Int> = 0...48) -> Data {
        let length = Int.random(in: count, using: &generator)
        return Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    mutating func bytes(exactly count: Int) -> Data { bytes(count...count) }

    /// Mixes ASCII with multi-byte UTF-8 (accents, CJK, emoji, a NUL) to exercise string lengths.
    mutating func text(_ words: ClosedRange<Int> = 0...8) -> String {
        let pool = [
            "hello", "world", "Zapgate", "ok", "👍", "日本語", "héllo", "Привет", "🇧🇷", "a\u{0}b",
            "line\nbreak", "\"quoted\"", "tab\there", "ünïcödé", "🙂🙃", "x",
        ]
        let count = Int.random(in: words, using: &generator)
        return (0..<count).map { _ in pool.randomElement(using: &generator) ?? "" }.joined(separator: " ")
    }

    mutating func uint32() -> UInt32 {
        chance(0.5)
            ? UInt32.random(in: 0...1000, using: &generator)
            : UInt32.random(in: .min ... .max, using: &generator)
    }

    mutating func uint64() -> UInt64 {
        chance(0.5)
            ? UInt64.random(in: 0...100_000, using: &generator)
            : UInt64.random(in: .min ... .max, using: &generator)
    }

    mutating func int32() -> Int32 { Int32.random(in: .min ... .max, using: &generator) }

    mutating func int64() -> Int64 { Int64.random(in: .min ... .max, using: &generator) }

    /// A plausible Unix time in seconds, or in milliseconds when `millis`.
    mutating func timestamp(millis: Bool = false) -> Int64 {
        let seconds = Int64.random(in: 1_400_000_000...1_900_000_000, using: &generator)
        return millis ? seconds * 1000 + Int64.random(in: 0...999, using: &generator) : seconds
    }

    mutating func phone() -> String {
        String(UInt64.random(in: 10_000_000_000...999_999_999_999, using: &generator))
    }

    mutating func jid() -> String {
        switch Int.random(in: 0...4, using: &generator) {
        case 0: "\(phone())@s.whatsapp.net"
        case 1: "\(phone()):\(Int.random(in: 1...99, using: &generator))@s.whatsapp.net"
        case 2: "\(phone())-\(timestamp())@g.us"
        case 3: "\(UInt64.random(in: 1...999_999_999_999_999, using: &generator))@lid"
        default: "status@broadcast"
        }
    }

    mutating func messageID() -> String {
        "3EB0" + bytes(exactly: 8).map { String(format: "%02X", $0) }.joined()
    }

    mutating func element<T>(_ choices: [T]) -> T? { choices.randomElement(using: &generator) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    mutating func double(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &generator)
    }

    mutating func float(_ range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &generator) }
}
