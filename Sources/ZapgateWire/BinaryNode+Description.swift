extension BinaryNode: CustomStringConvertible {
    /// An XML-like rendering for logs: attributes in order, JIDs in their text form, bytes as
    /// hex (the first 64 only) with their length.
    public var description: String {
        var text = "<" + tag
        for attribute in attributes {
            text += " \(attribute.key)=\"\(attribute.value)\""
        }
        switch content {
        case .empty:
            return text + "/>"
        case .bytes(let data):
            let shown = data.prefix(64).map { byte in
                String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
            }
            let more = data.count > 64 ? "…" : ""
            text += "><!-- \(data.count) bytes: \(shown.joined())\(more) -->"
        case .string(let string):
            text += ">" + string
        case .jid(let jid):
            text += ">" + jid.description
        case .children(let children):
            text += ">" + children.map(\.description).joined()
        }
        return text + "</\(tag)>"
    }
}
