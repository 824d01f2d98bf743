import Foundation
import ZapgateTestSupport
import ZapgateWire

/// The JSON tree that Oracles/wabinary_oracle.py speaks. It keeps text (`s`), bytes (`bytes`,
/// hex) and JIDs (`jid`, by parts) apart, because the wire does.
enum OracleTree {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func json(_ node: BinaryNode) -> [String: Any] {
        let content: Any
        switch node.content {
        case .empty: content = NSNull()
        case .bytes(let data): content = ["bytes": data.hex]
        case .string(let text): content = ["s": text]
        case .jid(let jid): content = ["jid": json(jid)]
        case .children(let children): content = ["children": children.map(json)]
        }
        let attributes: [[Any]] = node.attributes.map { attribute in
            switch attribute.value {
            case .string(let text): [attribute.key, ["s": text]]
            case .jid(let jid): [attribute.key, ["jid": json(jid)]]
            }
        }
        return ["tag": node.tag, "attrs": attributes, "content": content]
    }

    static func json(_ jid: JID) -> [String: Any] {
        [
            "user": jid.user, "server": jid.server.rawValue, "device": Int(jid.device),
            "agent": Int(jid.rawAgent),
            "integrator": Int(jid.integrator),
        ]
    }

    static func node(_ json: Any) throws -> BinaryNode {
        guard let object = json as? [String: Any], let tag = object["tag"] as? String,
            let attributes = object["attrs"] as? [[Any]]
        else { throw Malformed(description: "not a node: \(json)") }
        var node = BinaryNode(tag: tag)
        for pair in attributes {
            guard pair.count == 2, let key = pair[0] as? String, let value = pair[1] as? [String: Any] else {
                throw Malformed(description: "not an attribute: \(pair)")
            }
            if let text = value["s"] as? String {
                node.attributes[key] = .string(text)
            } else {
                node.attributes[key] = .jid(try jid(value["jid"] as Any))
            }
        }
        switch object["content"] {
        case nil, is NSNull:
            node.content = .empty
        case let content as [String: Any]:
            if let hex = content["bytes"] as? String, let data = Data(hex: hex) {
                node.content = .bytes(data)
            } else if let text = content["s"] as? String {
                node.content = .string(text)
            } else if let children = content["children"] as? [Any] {
                node.content = .children(try children.map(Self.node))
            } else {
                node.content = .jid(try jid(content["jid"] as Any))
            }
        default:
            throw Malformed(description: "not content: \(String(describing: object["content"]))")
        }
        return node
    }

    static func jid(_ json: Any) throws -> JID {
        guard let object = json as? [String: Any], let user = object["user"] as? String,
            let server = object["server"] as? String, let device = object["device"] as? Int,
            let agent = object["agent"] as? Int, let integrator = object["integrator"] as? Int,
            let device16 = UInt16(exactly: device), let agent8 = UInt8(exactly: agent),
            let integrator16 = UInt16(exactly: integrator)
        else { throw Malformed(description: "not a JID: \(json)") }
        return JID(
            user: user, server: JID.Server(rawValue: server), device: device16, rawAgent: agent8,
            integrator: integrator16)
    }
}

extension BinaryNode {
    /// The tree as baileys-python's reader reports it: it turns AD_JID into `user:device@server`
    /// text and so drops a raw agent on the phone-number server.
    var withoutRawAgents: BinaryNode {
        func strip(_ jid: JID) -> JID {
            var copy = jid
            copy.rawAgent = 0
            return copy
        }
        var copy = self
        copy.attributes = Attributes(
            attributes.map { attribute in
                guard case .jid(let jid) = attribute.value else { return attribute }
                return Attribute(key: attribute.key, value: .jid(strip(jid)))
            }
        )
        switch content {
        case .jid(let jid): copy.content = .jid(strip(jid))
        case .children(let children): copy.content = .children(children.map(\.withoutRawAgents))
        default: break
        }
        return copy
    }
}
