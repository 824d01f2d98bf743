import Foundation
import SwiftProtobuf
import Testing
import ZapgateProto

/// Our own encoder and decoder agree with each other on the whole corpus, and hostile input
/// fails with an error rather than a crash.
@Suite("Round trips")
struct RoundTripTests {
    static func everything() -> [CorpusEntry] {
        var corpus = ProtoCorpus(seed: 0x524F_554E_44)
        return corpus.waprotoEntries(variants: 8) + corpus.signalEntries(variants: 8)
    }

    @Test("binary encode then decode gives the same message")
    func binary() throws {
        for entry in Self.everything() {
            let bytes: Data = try entry.message.serializedBytes()
            let decoded = try type(of: entry.message).init(serializedBytes: bytes)
            #expect(decoded.isEqualTo(message: entry.message), "\(entry.label)")
            #expect(try decoded.serializedBytes() == bytes, "\(entry.label)")
        }
    }

    @Test("JSON encode then decode gives the same message")
    func json() throws {
        for entry in Self.everything() {
            let text = try entry.message.jsonString()
            let decoded = try type(of: entry.message).init(jsonString: text)
            #expect(decoded.isEqualTo(message: entry.message), "\(entry.label)")
        }
    }

    @Test("truncated and corrupted bytes throw or decode, never crash")
    func hostileInput() throws {
        var random = RandomValues(seed: 0x4241_44)
        var failures = 0
        for entry in Self.everything() {
            let bytes: Data = try entry.message.serializedBytes()
            guard bytes.count > 1 else { continue }
            let messageType = type(of: entry.message)
            let cut = bytes.prefix(random.int(0...(bytes.count - 1)))
            if (try? messageType.init(serializedBytes: cut)) == nil { failures += 1 }
            var flipped = bytes
            let index = random.int(0...(bytes.count - 1))
            flipped[flipped.startIndex + index] ^= UInt8(truncatingIfNeeded: random.int(1...255))
            if (try? messageType.init(serializedBytes: flipped)) == nil { failures += 1 }
        }
        // A declared length far beyond the input must not be trusted.
        let huge = Data([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x41])
        #expect(throws: (any Error).self) { try WAMessage(serializedBytes: huge) }
        #expect(failures > 0)
    }

    @Test("nested content survives: an image quoting a text, an edit carrying its new text")
    func nesting() throws {
        var quoted = WAMessage()
        quoted.conversation = "original"
        var image = WAMessage()
        image.imageMessage.caption = "look"
        image.imageMessage.contextInfo.stanzaID = "3EB0AA"
        image.imageMessage.contextInfo.quotedMessage = quoted

        var edit = WAMessage()
        edit.protocolMessage.type = .messageEdit
        edit.protocolMessage.key.id = "3EB0AA"
        edit.protocolMessage.editedMessage = quoted

        var sent = WAMessage()
        sent.deviceSentMessage.destinationJid = "15551234567@s.whatsapp.net"
        sent.deviceSentMessage.message = image

        let decoded = try WAMessage(serializedBytes: try sent.serializedBytes() as Data)
        #expect(
            decoded.deviceSentMessage.message.imageMessage.contextInfo.quotedMessage.conversation
                == "original")
        let decodedEdit = try WAMessage(serializedBytes: try edit.serializedBytes() as Data)
        #expect(decodedEdit.protocolMessage.editedMessage.conversation == "original")
        #expect(decodedEdit.protocolMessage.type == .messageEdit)
    }
}
