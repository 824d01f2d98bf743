import Foundation
import Testing
import ZapgateTestSupport

@testable import ZapgateWire

/// Our codec against baileys-python's (baileys/wabinary.py), an implementation we did not
/// write, through Oracles/wabinary_oracle.py. Trees are compared, and bytes too where both
/// writers must agree.
struct WABinaryInteropTests {
    /// Nodes a request line; replies stay well under a megabyte.
    static let batchSize = 10
    static let nodeCount = 1_000

    static func oracle() throws -> OracleProcess {
        try OracleProcess(script: "wabinary_oracle.py", environment: .waproto)
    }

    /// Stops a corpus run from printing a thousand failures.
    struct Mismatches {
        var count = 0
        mutating func record(_ message: @autoclosure () -> String) {
            count += 1
            if count <= 5 { Issue.record(Comment(rawValue: message())) }
        }
    }

    @Test func tokenTablesMatchBaileysPython() throws {
        let reply = try Self.oracle().call(["op": "tokens"])
        #expect(reply["single"] as? [String] == BinaryTokens.singleByte)
        #expect(reply["double"] as? [[String]] == BinaryTokens.doubleByte)
        #expect(BinaryTokens.singleByte.count == 236)
        #expect(BinaryTokens.doubleByte.map(\.count) == [256, 256, 256, 256])
    }

    @Test func oraclesMessageVector() throws {
        let node = BinaryNode(
            tag: "message",
            attributes: [
                "to": .jid(JID(user: "1234567890", server: .phoneNumber)), "type": "text", "id": "3EB0ABCDEF",
            ],
            children: [
                BinaryNode(
                    tag: "enc", attributes: ["v": "2", "type": "pkmsg"], bytes: Data([0x33, 0x08, 0x01]))
            ]
        )
        let reply = try Self.oracle().call(["op": "encode", "nodes": [OracleTree.json(node)]])
        let theirs = try #require(reply["payloads"] as? [String])
        #expect(theirs == ["00f8081311faff05123456789003043808fb053eb0abcdeff801f8061d51450453fc03330801"])
        #expect(try node.encodedFramePayload().hex == theirs.first)
    }

    /// Every JID kind, including server-only JID_PAIR, FB_JID and INTEROP_JID: what we write,
    /// baileys-python reads back as the same tree (minus raw agents, which its reader drops).
    @Test func ourBytesDecodeInBaileysPython() throws {
        var generator = RandomNodes(seed: 0x5A50_6A7E, jids: .all)
        let nodes = generator.nodes(Self.nodeCount)
        let oracle = try Self.oracle()
        var mismatches = Mismatches()
        var checked = 0
        for batchStart in stride(from: 0, to: nodes.count, by: Self.batchSize) {
            let batch = Array(nodes[batchStart..<min(batchStart + Self.batchSize, nodes.count)])
            let decoded = try Self.theirTrees(of: batch, oracle: oracle)
            for (index, (node, theirs)) in zip(batch, decoded).enumerated() {
                switch theirs {
                case .failure(let error):
                    mismatches.record("node \(batchStart + index): baileys-python failed: \(error)\n\(node)")
                case .success(let tree) where tree != node.withoutRawAgents:
                    mismatches.record("node \(batchStart + index) differs:\nours   \(node)\ntheirs \(tree)")
                case .success:
                    checked += 1
                }
            }
        }
        #expect(mismatches.count == 0)
        #expect(checked == Self.nodeCount)
    }

    /// What baileys-python writes, we read back as the same tree, and its bytes equal ours.
    /// Its writer cannot make server-only JID_PAIR, FB_JID or INTEROP_JID (oracles.md §C), so
    /// this corpus leaves those out; the corpus above covers them in the other direction.
    @Test func theirBytesDecodeHere() throws {
        var generator = RandomNodes(seed: 0xBA11_E75, jids: .baileysWritable)
        let nodes = generator.nodes(Self.nodeCount)
        let oracle = try Self.oracle()
        var mismatches = Mismatches()
        var identical = 0
        for batchStart in stride(from: 0, to: nodes.count, by: Self.batchSize) {
            let batch = Array(nodes[batchStart..<min(batchStart + Self.batchSize, nodes.count)])
            let payloads = try Self.theirPayloads(of: batch, oracle: oracle)
            for (index, (node, theirs)) in zip(batch, payloads).enumerated() {
                do {
                    let decoded = try BinaryNode(framePayload: theirs)
                    if decoded != node {
                        mismatches.record(
                            "node \(batchStart + index) differs:\nsent \(node)\ngot  \(decoded)")
                    }
                } catch {
                    mismatches.record(
                        "node \(batchStart + index): \(error)\n\(node)\n\(theirs.hex.prefix(400))")
                }
                let ours = try node.encodedFramePayload()
                if ours == theirs {
                    identical += 1
                } else {
                    mismatches.record(
                        "node \(batchStart + index) bytes differ:\nours   \(ours.hex.prefix(400))\ntheirs \(theirs.hex.prefix(400))"
                    )
                }
            }
        }
        #expect(mismatches.count == 0)
        #expect(identical == Self.nodeCount)
    }

    /// Over 1 MiB of content, so BINARY_32 crosses too, in both directions. The replies are
    /// megabytes, so they come back through a file.
    @Test func binary32BothWays() throws {
        var content = Data(repeating: 0xA5, count: (1 << 20) + 17)
        content[0] = 0
        content[content.count - 1] = 0xFF
        let node = BinaryNode(
            tag: "media", attributes: ["to": .jid(JID(user: "123", server: .lid, device: 3))], bytes: content)
        let oracle = try Self.oracle()
        let ours = try node.encodedFramePayload()
        #expect(ours.suffix(content.count + 5).prefix(5) == Data([0xFE, 0x00, 0x10, 0x00, 0x11]))
        let decoded = try Self.theirTrees(of: [node], oracle: oracle, throughFile: true)
        #expect(try decoded.first?.get() == node)
        let payloads = try Self.theirPayloads(of: [node], oracle: oracle, throughFile: true)
        #expect(payloads == [ours])
        #expect(try BinaryNode(framePayload: payloads.first ?? Data()) == node)
    }

    // MARK: Talking to the oracle

    struct OracleFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `request`, optionally asking for the reply in a temporary file.
    static func call(_ request: [String: Any], oracle: OracleProcess, throughFile: Bool) throws -> [String:
        Any]
    {
        guard throughFile else { return try oracle.call(request) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wabinary-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var request = request
        request["reply_file"] = file.path
        _ = try oracle.call(request)
        let reply = try JSONSerialization.jsonObject(with: Data(contentsOf: file))
        return try #require(reply as? [String: Any])
    }

    /// Our frame payloads, decoded by baileys-python.
    static func theirTrees(
        of nodes: [BinaryNode],
        oracle: OracleProcess,
        throughFile: Bool = false
    ) throws -> [Result<BinaryNode, OracleFailure>] {
        let payloads = try nodes.map { try $0.encodedFramePayload().hex }
        let reply = try call(
            ["op": "decode", "payloads": payloads], oracle: oracle, throughFile: throughFile)
        let trees = try #require(reply["nodes"] as? [Any])
        try #require(trees.count == nodes.count)
        return try trees.map { tree in
            if let error = (tree as? [String: Any])?["error"] {
                return .failure(OracleFailure(description: "\(error)"))
            }
            return .success(try OracleTree.node(tree))
        }
    }

    /// baileys-python's frame payloads for the same trees.
    static func theirPayloads(of nodes: [BinaryNode], oracle: OracleProcess, throughFile: Bool = false) throws
        -> [Data]
    {
        let reply = try call(
            ["op": "encode", "nodes": nodes.map(OracleTree.json)], oracle: oracle, throughFile: throughFile)
        let payloads = try #require(reply["payloads"] as? [String])
        try #require(payloads.count == nodes.count)
        return try payloads.map { try #require(Data(hex: $0)) }
    }
}
