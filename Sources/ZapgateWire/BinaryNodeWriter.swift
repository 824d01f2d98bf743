import Foundation

/// Writes nodes in the binary XML format. Strings take the first encoding that fits: single-byte
/// token, double-byte token, NIBBLE_8, HEX_8 (uppercase only), then UTF-8 as BINARY_x.
struct BinaryNodeWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The frame-payload flag byte of data that is not compressed.
    mutating func writeUncompressedFlag() {
        bytes.append(0x00)
    }

    mutating func write(_ node: BinaryNode) throws(BinaryNodeEncodingError) {
        guard !node.tag.isEmpty else { throw .emptyTag }
        let hasContent: Bool
        if case .empty = node.content { hasContent = false } else { hasContent = true }
        try writeListStart(1 + 2 * node.attributes.count + (hasContent ? 1 : 0))
        try writeString(node.tag)
        for attribute in node.attributes {
            try writeString(attribute.key)
            switch attribute.value {
            case .string(let text): try writeString(text)
            case .jid(let jid): try writeJID(jid)
            }
        }
        switch node.content {
        case .empty: break
        case .bytes(let data): try writeBytes(data)
        case .string(let text): try writeString(text)
        case .jid(let jid): try writeJID(jid)
        case .children(let children):
            try writeListStart(children.count)
            for child in children {
                try write(child)
            }
        }
    }

    private mutating func writeListStart(_ count: Int) throws(BinaryNodeEncodingError) {
        switch count {
        case 0: bytes.append(BinaryTag.listEmpty)
        case 1..<256:
            bytes.append(BinaryTag.list8)
            bytes.append(UInt8(count))
        case 256...0xFFFF:
            bytes.append(BinaryTag.list16)
            appendUInt16(UInt16(count))
        default: throw .tooManyItems(count)
        }
    }

    private mutating func writeLength(_ length: Int) throws(BinaryNodeEncodingError) {
        switch length {
        case 0..<256:
            bytes.append(BinaryTag.binary8)
            bytes.append(UInt8(length))
        case 256..<(1 << 20):
            bytes += [
                BinaryTag.binary20, UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF),
            ]
        case (1 << 20)...Int(UInt32.max):
            bytes.append(BinaryTag.binary32)
            appendUInt32(UInt32(length))
        default:
            throw .tooLong(length)
        }
    }

    private mutating func writeBytes(_ data: Data) throws(BinaryNodeEncodingError) {
        try writeLength(data.count)
        bytes.append(contentsOf: data)
    }

    /// How a string goes on the wire, in the order the format prefers.
    enum StringEncoding: Equatable {
        case token(BinaryTokens.Entry)
        case packed(PackedAlphabet)
        /// UTF-8 as BINARY_x; as node content this reads back as bytes, not text.
        case raw
    }

    static func encoding(of text: String) -> StringEncoding {
        if let entry = BinaryTokens.entries[text] {
            return .token(entry)
        }
        let utf8 = text.utf8
        if (1...BinaryTag.packedMaxCharacters).contains(utf8.count) {
            if utf8.allSatisfy(PackedAlphabet.nibble.contains) { return .packed(.nibble) }
            if utf8.allSatisfy(PackedAlphabet.hex.contains) { return .packed(.hex) }
        }
        return .raw
    }

    mutating func writeString(_ text: String) throws(BinaryNodeEncodingError) {
        switch Self.encoding(of: text) {
        case .token(.single(let index)):
            bytes.append(index)
        case .token(.double(let dictionary, let index)):
            bytes.append(BinaryTag.dictionary0 + dictionary)
            bytes.append(index)
        case .packed(.nibble):
            writePacked(text.utf8, tag: BinaryTag.nibble8, alphabet: .nibble)
        case .packed(.hex):
            writePacked(text.utf8, tag: BinaryTag.hex8, alphabet: .hex)
        case .raw:
            try writeLength(text.utf8.count)
            bytes.append(contentsOf: text.utf8)
        }
    }

    private mutating func writePacked(_ utf8: String.UTF8View, tag: UInt8, alphabet: PackedAlphabet) {
        let pairs = (utf8.count + 1) / 2
        bytes += [tag, UInt8(pairs) | (utf8.count % 2 == 1 ? 0x80 : 0)]
        var high: UInt8?
        for character in utf8 {
            let code = alphabet.code(for: character)
            if let first = high {
                bytes.append(first << 4 | code)
                high = nil
            } else {
                high = code
            }
        }
        if let first = high {
            bytes.append(first << 4 | PackedAlphabet.pad)
        }
    }

    mutating func writeJID(_ jid: JID) throws(BinaryNodeEncodingError) {
        guard !jid.server.rawValue.isEmpty else { throw .unencodableJID(jid, .emptyServer) }
        switch jid.server {
        case .phoneNumber, .lid, .hosted, .hostedLID:
            guard jid.integrator == 0 else { throw .unencodableJID(jid, .integrator) }
            // On the phone-number server the AD_JID domain byte carries the raw agent; the
            // values that name other domains would decode as another server.
            let domain = jid.server == .phoneNumber ? jid.rawAgent : jid.domainType
            guard jid.server == .phoneNumber ? ![1, 128, 129].contains(domain) : jid.rawAgent == 0 else {
                throw .unencodableJID(jid, .rawAgent)
            }
            let hosted = jid.server == .hosted || jid.server == .hostedLID
            guard hosted || jid.device > 0 || jid.rawAgent > 0 else {
                try writeJIDPair(jid)
                return
            }
            guard jid.device <= 0xFF else { throw .unencodableJID(jid, .device) }
            bytes += [BinaryTag.adJID, domain, UInt8(jid.device)]
            try writeString(jid.user)
        case .messenger:
            guard jid.rawAgent == 0 else { throw .unencodableJID(jid, .rawAgent) }
            guard jid.integrator == 0 else { throw .unencodableJID(jid, .integrator) }
            bytes.append(BinaryTag.fbJID)
            try writeString(jid.user)
            appendUInt16(jid.device)
            try writeString(jid.server.rawValue)
        case .interop:
            guard jid.rawAgent == 0 else { throw .unencodableJID(jid, .rawAgent) }
            bytes.append(BinaryTag.interopJID)
            try writeString(jid.user)
            appendUInt16(jid.device)
            appendUInt16(jid.integrator)
            try writeString(jid.server.rawValue)
        default:
            guard jid.rawAgent == 0 else { throw .unencodableJID(jid, .rawAgent) }
            guard jid.device == 0 else { throw .unencodableJID(jid, .device) }
            guard jid.integrator == 0 else { throw .unencodableJID(jid, .integrator) }
            try writeJIDPair(jid)
        }
    }

    /// JID_PAIR: the user (LIST_EMPTY for a server-only JID), then the server.
    private mutating func writeJIDPair(_ jid: JID) throws(BinaryNodeEncodingError) {
        bytes.append(BinaryTag.jidPair)
        if jid.user.isEmpty {
            bytes.append(BinaryTag.listEmpty)
        } else {
            try writeString(jid.user)
        }
        try writeString(jid.server.rawValue)
    }

    private mutating func appendUInt16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    private mutating func appendUInt32(_ value: UInt32) {
        bytes += [
            UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF),
        ]
    }
}
