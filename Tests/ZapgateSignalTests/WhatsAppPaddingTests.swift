import Foundation
import Testing
import ZapgateSignal

/// WhatsApp's v="2" plaintext padding. python-axolotl knows nothing of it, so it is tested
/// here on its own, against the rule whatsmeow (1…15) and Baileys (1…16) follow.
@Suite("WhatsApp plaintext padding")
struct WhatsAppPaddingTests {
    @Test("pad appends n bytes of value n, n in 1…15, and unpad strips exactly them")
    func roundTrip() throws {
        var seen = Set<UInt8>()
        for length in 0..<400 {
            let plaintext = Data((0..<(length % 37)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let padded = WhatsAppPadding.pad(plaintext)
            let count = try #require(padded.last)
            #expect((1...15).contains(count))
            #expect(padded.count == plaintext.count + Int(count))
            #expect(padded.suffix(Int(count)).allSatisfy { $0 == count })
            #expect(try WhatsAppPadding.unpad(padded) == plaintext)
            seen.insert(count)
        }
        #expect(seen.count == 15, "400 draws should hit every length 1…15")
    }

    @Test("Baileys' 16-byte padding is accepted")
    func sixteen() throws {
        #expect(try WhatsAppPadding.unpad(Data([1, 2]) + Data(repeating: 16, count: 16)) == Data([1, 2]))
    }

    @Test(
        "empty, zero, inconsistent or overlong padding is refused",
        arguments: [
            Data(), Data([0]), Data([1, 2, 3, 0]), Data([9, 9, 3, 2]), Data([3, 3]), Data([5, 4, 4, 4]),
        ])
    func refused(_ padded: Data) {
        #expect(throws: SignalError.invalidPadding) { try WhatsAppPadding.unpad(padded) }
    }
}
