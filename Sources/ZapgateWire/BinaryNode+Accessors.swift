import Foundation

extension BinaryNode {
    /// The child nodes, or an empty list when the content is not children.
    public var children: [BinaryNode] {
        if case .children(let children) = content { return children }
        return []
    }

    /// The first child with `tag`.
    public func child(_ tag: String) -> BinaryNode? {
        children.first { $0.tag == tag }
    }

    /// Follows a path of tags, taking the first match at each level: `child(path: "a", "b")`
    /// is `child("a")?.child("b")`.
    public func child(path tags: String...) -> BinaryNode? {
        var node = self
        for tag in tags {
            guard let next = node.child(tag) else { return nil }
            node = next
        }
        return node
    }

    /// Every child with `tag`, in order.
    public func children(tagged tag: String) -> [BinaryNode] {
        children.filter { $0.tag == tag }
    }

    /// The content when it is bytes.
    public var bytes: Data? {
        if case .bytes(let data) = content { return data }
        return nil
    }

    /// The content as text: a string, or bytes that are UTF-8 (text that was not a token
    /// travels as bytes).
    public var text: String? {
        switch content {
        case .string(let text): text
        case .bytes(let data): String(validating: data, as: UTF8.self)
        default: nil
        }
    }
}

extension BinaryNode {
    /// The JID under `key`. Only a value that arrived as a JID encoding counts: the same text
    /// as a plain string throws ``BinaryNodeAttributeError/notAJID(tag:key:)``.
    public func jid(_ key: String) throws(BinaryNodeAttributeError) -> JID {
        guard let jid = try optionalJID(key) else { throw .missing(tag: tag, key: key) }
        return jid
    }

    /// The JID under `key`, nil when absent; a plain string throws.
    public func optionalJID(_ key: String) throws(BinaryNodeAttributeError) -> JID? {
        switch attributes[key] {
        case nil: return nil
        case .jid(let jid): return jid
        case .string: throw .notAJID(tag: tag, key: key)
        }
    }

    /// The text under `key`; a JID throws.
    public func string(_ key: String) throws(BinaryNodeAttributeError) -> String {
        guard let text = try optionalString(key) else { throw .missing(tag: tag, key: key) }
        return text
    }

    /// The text under `key`, nil when absent; a JID throws.
    public func optionalString(_ key: String) throws(BinaryNodeAttributeError) -> String? {
        switch attributes[key] {
        case nil: return nil
        case .string(let text): return text
        case .jid: throw .notAString(tag: tag, key: key)
        }
    }

    /// The decimal integer under `key`.
    public func integer<Number: FixedWidthInteger>(
        _ key: String,
        as type: Number.Type = Int.self
    ) throws(BinaryNodeAttributeError) -> Number {
        guard let number = try optionalInteger(key, as: type) else { throw .missing(tag: tag, key: key) }
        return number
    }

    /// The decimal integer under `key`, nil when absent.
    public func optionalInteger<Number: FixedWidthInteger>(
        _ key: String,
        as type: Number.Type = Int.self
    ) throws(BinaryNodeAttributeError) -> Number? {
        guard let text = try optionalString(key) else { return nil }
        guard let number = Number(text, radix: 10) else {
            throw .notAnInteger(tag: tag, key: key, value: text)
        }
        return number
    }

    /// `true` or `false` under `key`, nil when absent.
    public func optionalBoolean(_ key: String) throws(BinaryNodeAttributeError) -> Bool? {
        switch try optionalString(key) {
        case nil: return nil
        case "true": return true
        case "false": return false
        case let text?: throw .notABoolean(tag: tag, key: key, value: text)
        }
    }
}
