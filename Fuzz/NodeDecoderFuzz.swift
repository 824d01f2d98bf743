// libFuzzer target for the binary-node decoder. scripts/fuzz.sh compiles this file together with
// Sources/ZapgateWire (one module, so the internals are visible) and runs it for a bounded time.
//
// Input: a frame payload (flag byte, then node data; zlib when the flag has bit 0x02).
// Property: decoding never crashes, hangs or over-allocates; a node that decodes re-encodes,
// and the re-encoding decodes to the same node, except that string content our writer puts
// out as raw UTF-8 (the empty string, packed strings over 127 characters) reads back as bytes.

import CZlib
import Foundation

private let limits = BinaryNode.DecodingLimits(maximumDepth: 64, maximumInflatedSize: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func nodeDecoderFuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    guard let node = try? BinaryNode(framePayload: input, limits: limits) else { return 0 }
    _ = node.description
    let reencoded: Data
    do {
        reencoded = try node.encodedFramePayload()
    } catch {
        fatalError("a decoded node does not encode: \(error)\n\(node)")
    }
    guard let again = try? BinaryNode(framePayload: reencoded, limits: limits), again == node.asReadBack
    else {
        fatalError("re-encoding changed the node\n\(node)")
    }
    return 0
}

/// With ZAPGATE_FUZZ_WRITE_SEEDS=<dir>, writes a seed corpus of valid encodings there and exits.
@_cdecl("LLVMFuzzerInitialize")
public func nodeDecoderFuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["ZAPGATE_FUZZ_WRITE_SEEDS"] else { return 0 }
    writeSeeds(to: directory)
    // Exit only after the seeds are released, so that LeakSanitizer has nothing to report.
    exit(0)
}

private func writeSeeds(to directory: String) {
    do {
        for (index, seed) in try seedPayloads().enumerated() {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(
                String(format: "seed-%03d", index))
            try seed.write(to: url)
        }
    } catch {
        fatalError("writing seeds failed: \(error)")
    }
}

private func seedPayloads() throws -> [Data] {
    let pn = JID(user: "1234567890", server: .phoneNumber)
    let nodes: [BinaryNode] = [
        BinaryNode(
            tag: "message",
            attributes: ["to": .jid(pn), "type": "text", "id": "3EB0ABCDEF"],
            children: [
                BinaryNode(
                    tag: "enc", attributes: ["v": "2", "type": "pkmsg"], bytes: Data([0x33, 0x08, 0x01]))
            ]
        ),
        BinaryNode(
            tag: "iq",
            attributes: ["from": .jid(.whatsAppServer), "type": "result", "id": "1.2-3"],
            children: [
                BinaryNode(
                    tag: "pair-device",
                    children: [BinaryNode(tag: "ref", bytes: Data(repeating: 0x41, count: 300))])
            ]
        ),
        BinaryNode(
            tag: "receipt",
            attributes: [
                "participant": .jid(JID(user: "98765", server: .lid, device: 3)),
                "recipient": .jid(JID(user: "555", server: .phoneNumber, device: 7, rawAgent: 5)),
                "from": .jid(JID(user: "120363000", server: .group)),
                "t": "1700000000",
            ],
            children: [
                BinaryNode(tag: "list", children: [BinaryNode(tag: "item", attributes: ["id": "ABCDEF0123"])])
            ]
        ),
        BinaryNode(
            tag: "notification",
            attributes: [
                "jid": .jid(JID(user: "100001", server: .messenger, device: 2)),
                "peer": .jid(JID(user: "42", server: .interop, device: 1, integrator: 9)),
                "h": .jid(JID(user: "77", server: .hosted)),
                "status": .jid(.statusBroadcast),
                "text": "héllo wörld",
            ],
            content: .jid(JID(user: "77", server: .hostedLID, device: 4))
        ),
        BinaryNode(
            tag: "list", children: (0..<260).map { BinaryNode(tag: "item", content: .string(String($0))) }),
        BinaryNode(
            tag: "a", children: [BinaryNode(tag: "b", children: [BinaryNode(tag: "c", children: [])])]),
    ]
    var seeds = try nodes.map { try $0.encodedFramePayload() }
    for node in nodes.prefix(3) {
        seeds.append(Data([0x02]) + deflate(Array(try node.encoded())))
    }
    return seeds
}

private func deflate(_ input: [UInt8]) -> Data {
    var output = [UInt8](repeating: 0, count: Int(compressBound(UInt(input.count))))
    var outputCount = UInt(output.count)
    let status = compress2(&output, &outputCount, input, UInt(input.count), Z_BEST_COMPRESSION)
    precondition(status == Z_OK, "compress2 failed: \(status)")
    return Data(output.prefix(Int(outputCount)))
}

extension BinaryNode {
    /// This node as it reads back after encoding: content strings written raw become bytes.
    fileprivate var asReadBack: BinaryNode {
        var copy = self
        switch content {
        case .string(let text) where BinaryNodeWriter.encoding(of: text) == .raw:
            copy.content = .bytes(Data(text.utf8))
        case .children(let children):
            copy.content = .children(children.map(\.asReadBack))
        default:
            break
        }
        return copy
    }
}
