import Foundation
import Testing
import ZapgateTestSupport
import ZapgateWire

/// Known byte layouts: each node encodes to exactly these bytes and decodes back to itself.
struct BinaryNodeVectorTests {
    static func hex(_ text: String) -> Data {
        Data(hex: text.filter { !$0.isWhitespace }) ?? Data()
    }

    static let pn = JID(user: "1234567890", server: .phoneNumber)

    /// (what, node, node bytes without the frame flag)
    static let vectors: [(String, BinaryNode, String)] = [
        // oracles.md §C: baileys-python writes these bytes for the same message.
        (
            "message with enc",
            BinaryNode(
                tag: "message",
                attributes: ["to": .jid(pn), "type": "text", "id": "3EB0ABCDEF"],
                children: [
                    BinaryNode(tag: "enc", attributes: ["v": "2", "type": "pkmsg"], bytes: hex("330801"))
                ]
            ),
            "f8081311faff05123456789003043808fb053eb0abcdeff801f8061d51450453fc03330801"
        ),
        (
            "server-only JID as JID_PAIR(LIST_EMPTY, token)",
            BinaryNode(tag: "iq", attributes: ["from": .jid(.whatsAppServer)]), "f8 03 19 06 fa 00 03"
        ),
        (
            "status broadcast", BinaryNode(tag: "iq", attributes: ["to": .jid(.statusBroadcast)]),
            "f8 03 19 11 fa 0b 0d"
        ),
        (
            "LID device as AD_JID 1",
            BinaryNode(
                tag: "iq", attributes: ["participant": .jid(JID(user: "123", server: .lid, device: 2))]),
            "f8 03 19 05 f7 01 02 ff 82 12 3f"
        ),
        (
            "LID without device as JID_PAIR",
            BinaryNode(tag: "iq", attributes: ["participant": .jid(JID(user: "123", server: .lid))]),
            "f8 03 19 05 fa ff 82 12 3f 76"
        ),
        (
            "PN device as AD_JID 0",
            BinaryNode(
                tag: "iq",
                attributes: ["participant": .jid(JID(user: "123", server: .phoneNumber, device: 255))]),
            "f8 03 19 05 f7 00 ff ff 82 12 3f"
        ),
        (
            "PN raw agent in the domain byte",
            BinaryNode(
                tag: "iq",
                attributes: ["participant": .jid(JID(user: "123", server: .phoneNumber, rawAgent: 5))]),
            "f8 03 19 05 f7 05 00 ff 82 12 3f"
        ),
        (
            "hosted is always AD_JID 128",
            BinaryNode(tag: "iq", attributes: ["participant": .jid(JID(user: "123", server: .hosted))]),
            "f8 03 19 05 f7 80 00 ff 82 12 3f"
        ),
        (
            "hosted LID is always AD_JID 129",
            BinaryNode(
                tag: "iq", attributes: ["participant": .jid(JID(user: "123", server: .hostedLID, device: 1))]),
            "f8 03 19 05 f7 81 01 ff 82 12 3f"
        ),
        (
            "messenger as FB_JID",
            BinaryNode(
                tag: "iq", attributes: ["jid": .jid(JID(user: "123", server: .messenger, device: 0x0102))]),
            "f8 03 19 0c f6 ff 82 12 3f 01 02 cc"
        ),
        (
            "interop as INTEROP_JID",
            BinaryNode(
                tag: "iq",
                attributes: [
                    "jid": .jid(JID(user: "123", server: .interop, device: 0x0304, integrator: 0x0506))
                ]),
            "f8 03 19 0c f5 ff 82 12 3f 03 04 05 06 fc 07 696e7465726f70"
        ),
        (
            "JID content", BinaryNode(tag: "jid", content: .jid(JID(user: "1", server: .group))),
            "f8 02 0c fa 55 1c"
        ),
        (
            "double-byte tokens", BinaryNode(tag: "pair-device", attributes: ["type": "passive"]),
            "f8 03 ed ee 04 ec 18"
        ),
        (
            "nibble with - and .", BinaryNode(tag: "iq", attributes: ["v": "1.2-3"]),
            "f8 03 19 51 ff 83 1b 2a 3f"
        ),
        ("even nibble", BinaryNode(tag: "iq", attributes: ["v": "4321"]), "f8 03 19 51 ff 02 43 21"),
        ("token wins over nibble", BinaryNode(tag: "iq", attributes: ["v": "12"]), "f8 03 19 51 cf"),
        ("uppercase hex", BinaryNode(tag: "iq", attributes: ["v": "ABC"]), "f8 03 19 51 fb 82 ab cf"),
        ("lowercase hex is raw", BinaryNode(tag: "iq", attributes: ["v": "abc"]), "f8 03 19 51 fc 03 616263"),
        ("empty string is BINARY_8 0", BinaryNode(tag: "iq", attributes: ["v": ""]), "f8 03 19 51 fc 00"),
        ("UTF-8 text", BinaryNode(tag: "iq", attributes: ["v": "é"]), "f8 03 19 51 fc 02 c3a9"),
        ("token string content", BinaryNode(tag: "iq", content: .string("message")), "f8 02 19 13"),
        ("packed string content", BinaryNode(tag: "iq", content: .string("123")), "f8 02 19 ff 82 12 3f"),
        ("empty children are LIST_EMPTY", BinaryNode(tag: "iq", children: []), "f8 02 19 00"),
        ("empty byte content", BinaryNode(tag: "iq", bytes: Data()), "f8 02 19 fc 00"),
        ("raw tag", BinaryNode(tag: "zz"), "f8 01 fc 02 7a7a"),
    ]

    @Test(arguments: vectors.indices)
    func encodesAndDecodes(index: Int) throws {
        let (what, node, expected) = Self.vectors[index]
        let bytes = try node.encoded()
        #expect(bytes.hex == Self.hex(expected).hex, "\(what)")
        #expect(try BinaryNode(decoding: bytes) == node, "\(what)")
        #expect(try node.encodedFramePayload() == Data([0]) + bytes)
        #expect(try BinaryNode(framePayload: Data([0]) + bytes) == node)
    }

    @Test func longPackedCandidatesAreRaw() throws {
        let digits127 = String(repeating: "9", count: 127)
        let digits128 = String(repeating: "9", count: 128)
        let packed = try BinaryNode(tag: "iq", content: .string(digits127)).encoded()
        #expect(packed.prefix(5) == Self.hex("f8 02 19 ff c0"))  // 64 pairs, odd
        let raw = try BinaryNode(tag: "iq", content: .string(digits128)).encoded()
        #expect(raw.prefix(5) == Self.hex("f8 02 19 fc 80"))
        // Raw string content has no type on the wire: it decodes as bytes.
        #expect(try BinaryNode(decoding: raw).content == .bytes(Data(digits128.utf8)))
        // The same text in an attribute stays text.
        let attribute = BinaryNode(tag: "iq", attributes: ["v": .string(digits128)])
        #expect(try BinaryNode(decoding: attribute.encoded()) == attribute)
    }

    @Test(arguments: [
        (0, "fc 00"), (255, "fc ff"), (256, "fd 00 01 00"), ((1 << 20) - 1, "fd 0f ff ff"),
        (1 << 20, "fe 00 10 00 00"), ((1 << 20) + 5, "fe 00 10 00 05"),
    ])
    func byteLengthThresholds(length: Int, header: String) throws {
        let content = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let node = BinaryNode(tag: "iq", bytes: content)
        let bytes = try node.encoded()
        let headerBytes = Self.hex(header)
        #expect(bytes.prefix(3 + headerBytes.count) == Self.hex("f8 02 19") + headerBytes)
        #expect(bytes.count == 3 + headerBytes.count + length)
        #expect(try BinaryNode(decoding: bytes) == node)
    }

    @Test func listSixteen() throws {
        let children = (0..<300).map { BinaryNode(tag: "item", attributes: ["id": .string(String($0))]) }
        let node = BinaryNode(tag: "list", children: children)
        let bytes = try node.encoded()
        #expect(bytes.prefix(5) == Self.hex("f8 02 71 f9 01") && bytes[5] == 0x2c)
        #expect(try BinaryNode(decoding: bytes) == node)

        var attributes = BinaryNode.Attributes()
        for index in 0..<200 {
            attributes["k\(index)"] = .string("v")
        }
        let wide = BinaryNode(tag: "iq", attributes: attributes)
        let wideBytes = try wide.encoded()
        #expect(wideBytes.prefix(3) == Self.hex("f9 01 91"))  // 1 + 2 × 200 = 401
        #expect(try BinaryNode(decoding: wideBytes) == wide)
    }

    @Test func attributesKeepInsertionOrder() throws {
        let node = BinaryNode(tag: "iq", attributes: ["type": "get", "id": "1", "to": .jid(.whatsAppServer)])
        #expect(node.attributes.keys == ["type", "id", "to"])
        let again = BinaryNode(
            tag: "iq", attributes: ["type": "get", "id": "1", "to": .jid(.whatsAppServer)])
        #expect(try node.encoded() == again.encoded())
        #expect(try BinaryNode(decoding: node.encoded()).attributes.keys == ["type", "id", "to"])

        var attributes = node.attributes
        attributes["type"] = "set"
        attributes["id"] = nil
        attributes["xmlns"] = "w:p"
        #expect(attributes.keys == ["type", "to", "xmlns"])
        #expect(attributes["type"] == "set")
        let repeated = BinaryNode.Attributes([
            .init(key: "a", value: "1"), .init(key: "b", value: "2"), .init(key: "a", value: "3"),
        ])
        #expect(repeated.keys == ["a", "b"] && repeated["a"] == "3")
        // Past 16 keys a position index takes over; the rule stays the same.
        let many = BinaryNode.Attributes(
            (0..<60).map { BinaryNode.Attribute(key: "k\($0 % 40)", value: .string(String($0))) })
        #expect(many.keys == (0..<40).map { "k\($0)" })
        #expect(many["k3"] == "43" && many["k39"] == "39")
    }

    static let encodingErrors: [(String, BinaryNode, BinaryNodeEncodingError)] = {
        let tooManyChildren = BinaryNode(
            tag: "a", children: Array(repeating: BinaryNode(tag: "b"), count: 65_536))
        func attribute(_ jid: JID) -> BinaryNode { BinaryNode(tag: "iq", attributes: ["to": .jid(jid)]) }
        return [
            ("empty tag", BinaryNode(tag: ""), .emptyTag),
            ("empty nested tag", BinaryNode(tag: "a", children: [BinaryNode(tag: "")]), .emptyTag),
            ("65,536 children", tooManyChildren, .tooManyItems(65_536)),
            (
                "empty server", attribute(JID(user: "1", server: "")),
                .unencodableJID(JID(user: "1", server: ""), .emptyServer)
            ),
            (
                "device on a group", attribute(JID(user: "1", server: .group, device: 1)),
                .unencodableJID(JID(user: "1", server: .group, device: 1), .device)
            ),
            (
                "device above 255 in AD_JID", attribute(JID(user: "1", server: .lid, device: 256)),
                .unencodableJID(JID(user: "1", server: .lid, device: 256), .device)
            ),
            (
                "agent on LID", attribute(JID(user: "1", server: .lid, rawAgent: 2)),
                .unencodableJID(JID(user: "1", server: .lid, rawAgent: 2), .rawAgent)
            ),
            (
                "agent that names LID", attribute(JID(user: "1", server: .phoneNumber, rawAgent: 1)),
                .unencodableJID(JID(user: "1", server: .phoneNumber, rawAgent: 1), .rawAgent)
            ),
            (
                "agent on a group", attribute(JID(user: "1", server: .group, rawAgent: 3)),
                .unencodableJID(JID(user: "1", server: .group, rawAgent: 3), .rawAgent)
            ),
            (
                "agent on msgr", attribute(JID(user: "1", server: .messenger, rawAgent: 3)),
                .unencodableJID(JID(user: "1", server: .messenger, rawAgent: 3), .rawAgent)
            ),
            (
                "agent on interop", attribute(JID(user: "1", server: .interop, rawAgent: 3)),
                .unencodableJID(JID(user: "1", server: .interop, rawAgent: 3), .rawAgent)
            ),
            (
                "integrator on PN", attribute(JID(user: "1", server: .phoneNumber, integrator: 3)),
                .unencodableJID(JID(user: "1", server: .phoneNumber, integrator: 3), .integrator)
            ),
            (
                "integrator on msgr", attribute(JID(user: "1", server: .messenger, integrator: 3)),
                .unencodableJID(JID(user: "1", server: .messenger, integrator: 3), .integrator)
            ),
            (
                "integrator on a group", attribute(JID(user: "1", server: .group, integrator: 3)),
                .unencodableJID(JID(user: "1", server: .group, integrator: 3), .integrator)
            ),
        ]
    }()

    @Test(arguments: encodingErrors.indices)
    func rejectsUnencodableNodes(index: Int) {
        let (what, node, error) = Self.encodingErrors[index]
        #expect(throws: error, "\(what)") { try node.encoded() }
    }
}
