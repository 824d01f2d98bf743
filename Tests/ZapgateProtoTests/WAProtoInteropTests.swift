import Foundation
import SwiftProtobuf
import Testing
import ZapgateProto
import ZapgateTestSupport

/// Our schema against schemas we did not write: baileys-python's WAProto for the WhatsApp
/// messages and python-axolotl's WhisperTextProtocol for the Signal ones (Oracles/waproto_oracle.py).
@Suite("Interop with baileys-python's WAProto and python-axolotl")
struct WAProtoInteropTests {
    static let waprotoVariants = 6
    static let signalVariants = 10

    static func waprotoCorpus() -> [CorpusEntry] {
        var corpus = ProtoCorpus(seed: 0x5A_4741_5445)
        return corpus.waprotoEntries(variants: waprotoVariants)
    }

    static func signalCorpus() -> [CorpusEntry] {
        var corpus = ProtoCorpus(seed: 0x5349_474E_414C)
        return corpus.signalEntries(variants: signalVariants)
    }

    static func waprotoOracle() throws -> OracleProcess {
        try OracleProcess(script: "waproto_oracle.py", environment: .waproto, arguments: ["waproto"])
    }

    static func axolotlOracle() throws -> OracleProcess {
        try OracleProcess(script: "waproto_oracle.py", environment: .signal, arguments: ["axolotl"])
    }

    @Test("the corpus is large and covers every message kind")
    func corpusSize() throws {
        let entries = Self.waprotoCorpus()
        #expect(entries.count >= 100)
        #expect(Set(entries.map(\.theirType)).count >= 12)
        let fields = try entries.reduce(0) { $0 + (try $1.message.fieldTree().fieldCount) }
        #expect(fields > 1_500)
    }

    @Test("what we encode, baileys-python's WAProto decodes to the same field values")
    func oursDecodeInWAProto() throws {
        let oracle = try Self.waprotoOracle()
        let entries = Self.waprotoCorpus()
        for entry in entries {
            try expectTheyRead(entry, oracle: oracle)
        }
        let fields = try entries.reduce(0) { $0 + (try $1.message.fieldTree().fieldCount) }
        print(
            "WAProto: \(entries.count) messages (\(fields) field values) we encoded read the same in theirs")
    }

    @Test("what baileys-python's WAProto encodes, we decode to the same message")
    func waprotoDecodesInOurs() throws {
        let oracle = try Self.waprotoOracle()
        var identical = 0
        let entries = Self.waprotoCorpus()
        for entry in entries where try expectWeRead(entry, oracle: oracle) {
            identical += 1
        }
        print("WAProto: \(entries.count) messages they encoded decode in ours; \(identical) byte-identical")
        // Both sides write fields in number order; only proto3's packing of repeated integers
        // (ClientPayload.shards) may make their bytes differ from ours.
        #expect(identical >= entries.count * 9 / 10)
    }

    @Test("python-axolotl reads our Signal wire messages, and we read theirs")
    func signalBothWays() throws {
        let oracle = try Self.axolotlOracle()
        let entries = Self.signalCorpus()
        #expect(entries.count >= 40)
        for entry in entries {
            try expectTheyRead(entry, oracle: oracle)
            let identical = try expectWeRead(entry, oracle: oracle)
            #expect(identical, "\(entry.label): python-axolotl wrote different bytes")
        }
    }

    @Test("the comparison notices a wrong field number")
    func comparisonDiscriminates() throws {
        // Image and video share field numbers with different meanings (3 is the caption of one
        // and the file hash of the other); reading one as the other must not pass.
        let oracle = try Self.waprotoOracle()
        var image = WAImageMessage()
        image.caption = "caption"
        image.height = 480
        let bytes: Data = try image.serializedBytes()
        let reply = try oracle.call(["op": "decode", "type": "proto.Message.VideoMessage", "hex": bytes.hex])
        let theirs = try FieldTree(json: reply["fields"] as? [String: Any] ?? [:])
        #expect(theirs != (try image.fieldTree()))
        let same = try oracle.call(["op": "decode", "type": "proto.Message.ImageMessage", "hex": bytes.hex])
        #expect(try FieldTree(json: same["fields"] as? [String: Any] ?? [:]) == (try image.fieldTree()))
    }

    /// Encodes with our types, decodes with theirs, compares by field number.
    private func expectTheyRead(_ entry: CorpusEntry, oracle: OracleProcess) throws {
        let bytes: Data = try entry.message.serializedBytes()
        let reply = try oracle.call(["op": "decode", "type": entry.theirType, "hex": bytes.hex])
        let theirs = try FieldTree(json: reply["fields"] as? [String: Any] ?? [:])
        let ours = try entry.message.fieldTree()
        #expect(theirs.isFullyKnown, "\(entry.label): fields their schema does not know: \(theirs)")
        #expect(theirs == ours, "\(entry.label):\n ours   \(ours)\n theirs \(theirs)")
    }

    /// Has them build the message from our field values and encode it; we decode their bytes.
    /// Returns whether their bytes equal ours.
    private func expectWeRead(_ entry: CorpusEntry, oracle: OracleProcess) throws -> Bool {
        let ours = try entry.message.fieldTree()
        let reply = try oracle.call(["op": "encode", "type": entry.theirType, "fields": ours.json])
        let theirBytes = try #require(Data(hex: reply["hex"] as? String ?? "?"))
        let decoded = try type(of: entry.message).init(serializedBytes: theirBytes)
        #expect(decoded.isEqualTo(message: entry.message), "\(entry.label): decoded \(decoded)")
        #expect(try decoded.fieldTree().isFullyKnown, "\(entry.label): unknown fields in their bytes")
        let ourBytes: Data = try entry.message.serializedBytes()
        return ourBytes == theirBytes
    }
}
