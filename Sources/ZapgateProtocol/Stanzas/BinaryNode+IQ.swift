import ZapgateWire

extension BinaryNode {
    /// An `<iq>` request. `to` is the server unless given; JIDs travel as JID encodings, never
    /// as text, because whatsmeow refuses text where it expects a JID.
    public static func iq(
        id: String,
        type: String,
        xmlns: String,
        to: JID = .whatsAppServer,
        children: [BinaryNode] = []
    ) -> BinaryNode {
        BinaryNode(
            tag: "iq",
            attributes: ["id": .string(id), "xmlns": .string(xmlns), "type": .string(type), "to": .jid(to)],
            content: children.isEmpty ? .empty : .children(children)
        )
    }

    /// The `result` answer to this `<iq>`, addressed back to its sender (`from` when it came
    /// from the server, `to` when it came from a client).
    public func iqResult(children: [BinaryNode] = [], from server: Bool) -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["id": attributes["id"] ?? "", "type": "result"]
        attributes[server ? "from" : "to"] = .jid(.whatsAppServer)
        return BinaryNode(
            tag: "iq", attributes: attributes, content: children.isEmpty ? .empty : .children(children))
    }

    /// The `error` answer to this `<iq>`, as `<error code text/>`.
    public func iqError(code: Int, text: String, from server: Bool) -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["id": attributes["id"] ?? "", "type": "error"]
        attributes[server ? "from" : "to"] = .jid(.whatsAppServer)
        return BinaryNode(
            tag: "iq",
            attributes: attributes,
            children: [
                BinaryNode(tag: "error", attributes: ["code": .string(String(code)), "text": .string(text)])
            ]
        )
    }

    /// For an `<iq type="error">`: its `<error>` code and text.
    public var iqErrorDetails: (code: Int, text: String)? {
        guard tag == "iq", attributes["type"] == "error" else { return nil }
        let error = child("error")
        let code = (try? error?.optionalInteger("code", as: Int.self)) ?? nil
        let text = (try? error?.optionalString("text")) ?? nil
        return (code ?? 0, text ?? "")
    }

    /// The `<ack>` a client sends for a notification or receipt: `class` is the stanza's tag.
    public func acknowledgement() -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["id": attributes["id"] ?? "", "class": .string(tag)]
        if let from = self.attributes["from"] { attributes["to"] = from }
        if let type = self.attributes["type"], tag != "message" { attributes["type"] = type }
        if let participant = self.attributes["participant"] { attributes["participant"] = participant }
        return BinaryNode(tag: "ack", attributes: attributes)
    }
}
