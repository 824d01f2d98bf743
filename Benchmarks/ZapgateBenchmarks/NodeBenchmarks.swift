import Foundation
import ZapgateWire

/// Binary-node encoding and decoding on two shapes the engine handles most: an encrypted
/// message stanza and a device-list query result with many children.
enum NodeBenchmarks {
    static func run() throws -> [Measurement] {
        let message = try messageStanza()
        let usync = try usyncResult(users: 50)
        var results: [Measurement] = []
        for (label, node) in [("message stanza", message), ("usync result, 50 users", usync)] {
            let bytes = try node.encoded()
            results.append(
                try measure("node encode: \(label) (\(bytes.count) B)", bytesPerOperation: bytes.count) {
                    _ = try node.encoded()
                })
            results.append(
                try measure("node decode: \(label) (\(bytes.count) B)", bytesPerOperation: bytes.count) {
                    _ = try BinaryNode(decoding: bytes)
                })
        }
        return results
    }

    static func messageStanza() throws -> BinaryNode {
        let to = try JID(parsing: "5511987654321@s.whatsapp.net")
        let ciphertext = Data((0..<180).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        return BinaryNode(
            tag: "message",
            attributes: ["to": .jid(to), "id": "3EB0C0FFEE1234567890AB", "type": "text"],
            children: [
                BinaryNode(tag: "enc", attributes: ["v": "2", "type": "msg"], bytes: ciphertext)
            ])
    }

    static func usyncResult(users: Int) throws -> BinaryNode {
        var children: [BinaryNode] = []
        for index in 0..<users {
            let jid = try JID(parsing: "55119\(String(format: "%08d", index))@s.whatsapp.net")
            let devices = (0..<3).map { device in
                BinaryNode(tag: "device", attributes: ["id": .string(String(device)), "key-index": "2"])
            }
            children.append(
                BinaryNode(
                    tag: "user", attributes: ["jid": .jid(jid)],
                    children: [
                        BinaryNode(
                            tag: "devices", attributes: [:],
                            children: [BinaryNode(tag: "device-list", attributes: [:], children: devices)])
                    ]))
        }
        return BinaryNode(
            tag: "iq", attributes: ["from": .jid(JID(server: .phoneNumber)), "id": "42", "type": "result"],
            children: [
                BinaryNode(
                    tag: "usync", attributes: ["sid": "1", "mode": "query", "context": "message"],
                    children: [BinaryNode(tag: "list", attributes: [:], children: children)])
            ])
    }
}
