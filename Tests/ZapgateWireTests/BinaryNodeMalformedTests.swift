import Foundation
import Testing
import ZapgateTestSupport
import ZapgateWire

/// Hostile or broken node data must fail with the error that names the problem, without
/// crashing, hanging or allocating what a size field claims.
struct BinaryNodeMalformedTests {
    static let cases: [(String, String, BinaryNodeDecodingError)] = [
        ("nothing", "", .truncated(offset: 0)),
        ("list tag only", "f8", .truncated(offset: 1)),
        ("LIST_EMPTY as a node", "00", .invalidNodeStart(offset: 0, byte: 0x00)),
        ("token as a node", "19", .invalidNodeStart(offset: 0, byte: 0x19)),
        ("list of size 0", "f8 00", .invalidNodeStart(offset: 0, byte: 0xf8)),
        ("size 1 without tag", "f8 01", .declaredSizeExceedsInput(offset: 0, declared: 1, remaining: 0)),
        (
            "two attributes in two bytes", "f8 05 19 04",
            .declaredSizeExceedsInput(offset: 0, declared: 5, remaining: 2)
        ),
        (
            "LIST_16 of 65,535", "f9 ff ff 19",
            .declaredSizeExceedsInput(offset: 0, declared: 65_535, remaining: 1)
        ),
        ("trailing byte", "f8 01 19 00", .trailingBytes(count: 1)),
        ("LIST_EMPTY tag", "f8 01 00", .invalidNodeTag(offset: 2)),
        ("empty tag", "f8 01 fc 00", .invalidNodeTag(offset: 2)),
        ("JID tag", "f8 01 fa 00 03", .unexpectedTag(offset: 2, byte: 0xfa)),
        ("list tag", "f8 01 f8 01 19", .unexpectedTag(offset: 2, byte: 0xf8)),
        ("undefined tag 240", "f8 01 f0", .invalidToken(offset: 2, byte: 0xf0)),
        ("undefined tag 244", "f8 01 f4", .invalidToken(offset: 2, byte: 0xf4)),
        ("LIST_EMPTY key", "f8 03 19 00 04", .unexpectedTag(offset: 3, byte: 0x00)),
        ("JID key", "f8 03 19 fa 00 03 04", .unexpectedTag(offset: 3, byte: 0xfa)),
        ("list as attribute value", "f8 03 19 04 f8 01 19", .unexpectedTag(offset: 4, byte: 0xf8)),
        (
            "BINARY_8 past the end", "f8 03 19 04 fc 05 41",
            .declaredSizeExceedsInput(offset: 4, declared: 5, remaining: 1)
        ),
        (
            "BINARY_20 of 1 MiB", "f8 02 19 fd 0f ff ff",
            .declaredSizeExceedsInput(offset: 3, declared: 1_048_575, remaining: 0)
        ),
        (
            "BINARY_32 of 4 GiB", "f8 02 19 fe ff ff ff ff",
            .declaredSizeExceedsInput(offset: 3, declared: 4_294_967_295, remaining: 0)
        ),
        ("truncated BINARY_32 length", "f8 02 19 fe ff", .truncated(offset: 4)),
        ("truncated BINARY_20 length", "f8 02 19 fd 00 01", .truncated(offset: 5)),
        ("truncated LIST_16 count", "f8 02 19 f9 01", .truncated(offset: 4)),
        ("invalid UTF-8 text", "f8 03 19 04 fc 01 ff", .invalidUTF8(offset: 4)),
        ("nibble code 12", "f8 03 19 04 ff 01 1c", .invalidPackedDigit(offset: 6)),
        ("pad nibble inside", "f8 03 19 04 ff 01 f1", .invalidPackedDigit(offset: 6)),
        ("pad nibble in an even string", "f8 03 19 04 ff 01 1f", .invalidPackedDigit(offset: 6)),
        ("bad pad code", "f8 03 19 04 ff 81 1c", .invalidPackedDigit(offset: 6)),
        ("odd flag without pairs", "f8 03 19 04 ff 80", .invalidPackedLength(offset: 4)),
        (
            "packed past the end", "f8 03 19 04 fb 05 12",
            .declaredSizeExceedsInput(offset: 4, declared: 5, remaining: 1)
        ),
        ("truncated double-byte token", "f8 03 19 04 ec", .truncated(offset: 5)),
        (
            "children past the end", "f8 02 19 f8 05 f8 01 19",
            .declaredSizeExceedsInput(offset: 3, declared: 15, remaining: 3)
        ),
        (
            "LIST_16 of children", "f8 02 19 f9 ff ff",
            .declaredSizeExceedsInput(offset: 3, declared: 196_605, remaining: 0)
        ),
        ("LIST_EMPTY child", "f8 02 19 f8 01 00 19 19", .invalidNodeStart(offset: 5, byte: 0x00)),
        ("JID_PAIR without server", "f8 03 19 04 fa 00 00", .invalidJID(offset: 4)),
        ("JID_PAIR with empty server", "f8 03 19 04 fa 00 fc 00", .invalidJID(offset: 4)),
        ("JID_PAIR inside JID_PAIR", "f8 03 19 04 fa fa 00 03 03", .unexpectedTag(offset: 5, byte: 0xfa)),
        ("AD_JID without user", "f8 03 19 04 f7 00 01 00", .invalidJID(offset: 4)),
        ("truncated AD_JID", "f8 03 19 04 f7 00", .truncated(offset: 6)),
        ("FB_JID on another server", "f8 03 19 04 f6 55 00 01 03", .invalidJID(offset: 4)),
        ("INTEROP_JID on another server", "f8 03 19 04 f5 55 00 01 00 02 cc", .invalidJID(offset: 4)),
        ("truncated INTEROP_JID", "f8 03 19 04 f5 55 00 01 00", .truncated(offset: 8)),
    ]

    @Test(arguments: cases.indices)
    func rejects(index: Int) {
        let (what, hex, error) = Self.cases[index]
        let data = Data(hex: hex.filter { !$0.isWhitespace }) ?? Data([0xEE])
        #expect(throws: error, "\(what)") { try BinaryNode(decoding: data) }
        #expect(throws: error, "\(what) in a frame") { try BinaryNode(framePayload: Data([0]) + data) }
    }

    /// `depth` nodes, each the only child of the one before.
    static func nested(depth: Int) -> Data {
        var bytes: [UInt8] = []
        for _ in 1..<depth {
            bytes += [0xf8, 0x02, 0x19, 0xf8, 0x01]
        }
        bytes += [0xf8, 0x01, 0x19]
        return Data(bytes)
    }

    @Test func nestingIsCapped() throws {
        var node = try BinaryNode(decoding: Self.nested(depth: 64))
        var depth = 1
        while let child = node.children.first {
            node = child
            depth += 1
        }
        #expect(depth == 64)
        #expect(throws: BinaryNodeDecodingError.nestingTooDeep(limit: 64)) {
            try BinaryNode(decoding: Self.nested(depth: 65))
        }
        #expect(throws: BinaryNodeDecodingError.nestingTooDeep(limit: 64)) {
            try BinaryNode(decoding: Self.nested(depth: 100_000))
        }
        let shallow = BinaryNode.DecodingLimits(maximumDepth: 3)
        #expect(throws: BinaryNodeDecodingError.nestingTooDeep(limit: 3)) {
            try BinaryNode(decoding: Self.nested(depth: 4), limits: shallow)
        }
    }

    /// Every prefix of a valid node fails cleanly (most as truncated, some as size errors).
    @Test func everyTruncationFails() throws {
        let node = BinaryNode(
            tag: "message",
            attributes: [
                "to": .jid(JID(user: "123", server: .lid, device: 2)), "id": "3EB0ABCDEF", "x": "é",
            ],
            children: [
                BinaryNode(tag: "enc", attributes: ["v": "2"], bytes: Data(repeating: 7, count: 300)),
                BinaryNode(
                    tag: "jid", content: .jid(JID(user: "9", server: .interop, device: 1, integrator: 2))),
            ]
        )
        let bytes = try node.encoded()
        for length in 0..<bytes.count {
            #expect(throws: BinaryNodeDecodingError.self) { try BinaryNode(decoding: bytes.prefix(length)) }
        }
        #expect(try BinaryNode(decoding: bytes) == node)
    }

    /// Duplicate keys keep the first position and the last value; a LIST_EMPTY value is absent.
    @Test func duplicateKeysAndNullValues() throws {
        let node = try BinaryNode(decoding: Data(hex: "f80919045508fc01410c000445")!)
        #expect(node.attributes.keys == ["type", "id"])
        #expect(node.attributes["type"] == "2")
        #expect(node.attributes["id"] == "A")
    }

    /// Compressed, bombed and broken frame payloads.
    @Test func framePayloads() throws {
        let message = Data(hex: "f8081311faff05123456789003043808fb053eb0abcdeff801f8061d51450453fc03330801")!
        let expected = try BinaryNode(decoding: message)
        let compressed = Data(
            hex:
                "789cfbc1212cf8eb3fab904958c50466160b8edfac761b569f7dff83f1079b6ca02b4bf01f66630e460011420d9f"
        )!
        #expect(try BinaryNode(framePayload: Data([0x02]) + compressed) == expected)
        // Only bit 0x02 means compressed; other flag bits are ignored.
        #expect(try BinaryNode(framePayload: Data([0x01]) + message) == expected)
        #expect(throws: BinaryNodeDecodingError.emptyPayload) { try BinaryNode(framePayload: Data()) }

        // 130 bytes that inflate to a 100,008-byte node.
        let bomb = Data(
            hex: "78daedc141110020080030a40585c9614c5e9c357c6c9bac8dd337" + String(repeating: "00", count: 96)
                + "806f3d32760339"
        )!
        let inflated = try BinaryNode(framePayload: Data([0x02]) + bomb)
        #expect(inflated.bytes?.count == 100_000)
        let capped = BinaryNode.DecodingLimits(maximumInflatedSize: 50_000)
        #expect(throws: BinaryNodeDecodingError.inflatedSizeExceedsLimit(limit: 50_000)) {
            try BinaryNode(framePayload: Data([0x02]) + bomb, limits: capped)
        }

        #expect(throws: BinaryNodeDecodingError.inflateFailed("truncated zlib stream")) {
            try BinaryNode(framePayload: Data([0x02]) + compressed.prefix(compressed.count - 6))
        }
        #expect(throws: BinaryNodeDecodingError.self) { try BinaryNode(framePayload: Data([0x02]) + message) }
        #expect(throws: BinaryNodeDecodingError.inflateFailed("truncated zlib stream")) {
            try BinaryNode(framePayload: Data([0x02]))
        }
    }
}
