import Foundation
import Testing
import ZapgateWire

struct BinaryNodeAccessorTests {
    static let node = BinaryNode(
        tag: "iq",
        attributes: [
            "from": .jid(.whatsAppServer), "to": "s.whatsapp.net", "id": "42", "t": "-7", "enabled": "true",
            "bad": "maybe",
        ],
        children: [
            BinaryNode(
                tag: "pair-device",
                children: [BinaryNode(tag: "ref", bytes: Data([1, 2])), BinaryNode(tag: "ref")]),
            BinaryNode(tag: "note", content: .string("hello")),
            BinaryNode(tag: "note", bytes: Data("bytes".utf8)),
        ]
    )

    @Test func children() {
        let node = Self.node
        #expect(node.child("pair-device")?.children.count == 2)
        #expect(node.child(path: "pair-device", "ref")?.bytes == Data([1, 2]))
        #expect(node.child(path: "pair-device", "missing") == nil)
        #expect(node.children(tagged: "note").map(\.text) == ["hello", "bytes"])
        #expect(node.child("missing") == nil)
        #expect(node.child("note")?.children == [])
        #expect(node.bytes == nil && node.text == nil)
    }

    @Test func typedJIDGetterRejectsText() throws {
        let node = Self.node
        #expect(try node.jid("from") == .whatsAppServer)
        #expect(try node.optionalJID("missing") == nil)
        // Same text, but it arrived as a string: not a JID (whatsmeow's AttrGetter does the same).
        #expect(throws: BinaryNodeAttributeError.notAJID(tag: "iq", key: "to")) { try node.jid("to") }
        #expect(throws: BinaryNodeAttributeError.missing(tag: "iq", key: "missing")) {
            try node.jid("missing")
        }
        #expect(throws: BinaryNodeAttributeError.notAString(tag: "iq", key: "from")) {
            try node.string("from")
        }
    }

    @Test func scalarGetters() throws {
        let node = Self.node
        #expect(try node.string("id") == "42")
        #expect(try node.integer("id") == 42)
        #expect(try node.integer("t", as: Int64.self) == -7)
        #expect(throws: BinaryNodeAttributeError.notAnInteger(tag: "iq", key: "t", value: "-7")) {
            try node.integer("t", as: UInt8.self)
        }
        #expect(try node.optionalInteger("missing") == nil)
        #expect(throws: BinaryNodeAttributeError.missing(tag: "iq", key: "missing")) {
            try node.integer("missing")
        }
        #expect(try node.optionalBoolean("enabled") == true)
        #expect(throws: BinaryNodeAttributeError.notABoolean(tag: "iq", key: "bad", value: "maybe")) {
            try node.optionalBoolean("bad")
        }
    }

    @Test func description() {
        let node = BinaryNode(
            tag: "iq",
            attributes: ["to": .jid(JID(user: "1", server: .lid, device: 2)), "type": "get"],
            children: [BinaryNode(tag: "ref", bytes: Data([0xab, 0x01])), BinaryNode(tag: "x")]
        )
        #expect(
            node.description == #"<iq to="1:2@lid" type="get"><ref><!-- 2 bytes: ab01 --></ref><x/></iq>"#)
    }
}
