import Foundation

/// Reads one node from binary XML. Every size is checked against the bytes that remain before
/// anything is read or allocated, and nesting is capped, so hostile input fails with a
/// ``BinaryNodeDecodingError`` instead of crashing or exhausting memory.
struct BinaryNodeReader {
    /// The smallest node: LIST_8, its size, a one-byte token tag. List counts are checked
    /// against this so that a declared count cannot exceed what the input could hold.
    private static let minimumNodeSize = 3

    /// What a string position holds: nothing (LIST_EMPTY), text, or a JID.
    private enum Scalar {
        case null
        case string(String)
        case jid(JID)
    }

    private let bytes: [UInt8]
    private let maximumDepth: Int
    private(set) var offset = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private var remaining: Int { bytes.count - offset }

    /// Reads the whole input as one node; trailing bytes are an error.
    mutating func readDocument() throws(BinaryNodeDecodingError) -> BinaryNode {
        let node = try readNode(depth: 1)
        guard remaining == 0 else { throw .trailingBytes(count: remaining) }
        return node
    }

    private mutating func readNode(depth: Int) throws(BinaryNodeDecodingError) -> BinaryNode {
        guard depth <= maximumDepth else { throw .nestingTooDeep(limit: maximumDepth) }
        let start = offset
        let listTag = try readByte()
        let size: Int
        switch listTag {
        case BinaryTag.list8: size = Int(try readByte())
        case BinaryTag.list16: size = Int(try readUInt16())
        default: throw .invalidNodeStart(offset: start, byte: listTag)
        }
        guard size > 0 else { throw .invalidNodeStart(offset: start, byte: listTag) }
        let attributeCount = (size - 1) >> 1
        let hasContent = size % 2 == 0
        // Every entry after the tag takes at least one byte.
        let minimumRest = 1 + 2 * attributeCount + (hasContent ? 1 : 0)
        guard minimumRest <= remaining else {
            throw .declaredSizeExceedsInput(offset: start, declared: minimumRest, remaining: remaining)
        }

        let tagOffset = offset
        guard case .string(let tag) = try readScalar(allowingJID: false), !tag.isEmpty else {
            throw .invalidNodeTag(offset: tagOffset)
        }

        var attributes: [BinaryNode.Attribute] = []
        attributes.reserveCapacity(attributeCount)
        for _ in 0..<attributeCount {
            let keyOffset = offset
            guard case .string(let key) = try readScalar(allowingJID: false) else {
                throw .unexpectedTag(offset: keyOffset, byte: bytes[keyOffset])
            }
            switch try readScalar(allowingJID: true) {
            // LIST_EMPTY is a null value: the attribute is absent.
            case .null: break
            case .string(let text): attributes.append(.init(key: key, value: .string(text)))
            case .jid(let jid): attributes.append(.init(key: key, value: .jid(jid)))
            }
        }

        let content = hasContent ? try readContent(depth: depth) : .empty
        return BinaryNode(tag: tag, attributes: BinaryNode.Attributes(attributes), content: content)
    }

    private mutating func readContent(depth: Int) throws(BinaryNodeDecodingError) -> BinaryNode.Content {
        let start = offset
        let tag = try readByte()
        switch tag {
        case BinaryTag.listEmpty:
            return .children([])
        case BinaryTag.list8, BinaryTag.list16:
            let count = tag == BinaryTag.list8 ? Int(try readByte()) : Int(try readUInt16())
            let declared = count * Self.minimumNodeSize
            guard declared <= remaining else {
                throw .declaredSizeExceedsInput(offset: start, declared: declared, remaining: remaining)
            }
            var children: [BinaryNode] = []
            children.reserveCapacity(count)
            for _ in 0..<count {
                children.append(try readNode(depth: depth + 1))
            }
            return .children(children)
        case BinaryTag.binary8, BinaryTag.binary20, BinaryTag.binary32:
            return .bytes(Data(try readBinary(tag: tag, start: start)))
        default:
            offset = start
            switch try readScalar(allowingJID: true) {
            case .null: return .children([])
            case .string(let text): return .string(text)
            case .jid(let jid): return .jid(jid)
            }
        }
    }

    /// Reads a value in a string position: a token, a packed or byte string, a JID (when
    /// allowed) or LIST_EMPTY.
    private mutating func readScalar(allowingJID: Bool) throws(BinaryNodeDecodingError) -> Scalar {
        let start = offset
        let tag = try readByte()
        switch tag {
        case BinaryTag.listEmpty:
            return .null
        case 1...235:
            // Every byte in 1...235 names one of the 236 single-byte tokens.
            guard let token = BinaryTokens.single(tag) else { throw .invalidToken(offset: start, byte: tag) }
            return .string(token)
        case BinaryTag.dictionary0...BinaryTag.dictionary3:
            let index = try readByte()
            guard let token = BinaryTokens.double(dictionary: Int(tag - BinaryTag.dictionary0), index: index)
            else { throw .invalidToken(offset: start, byte: tag) }
            return .string(token)
        case BinaryTag.binary8, BinaryTag.binary20, BinaryTag.binary32:
            let raw = try readBinary(tag: tag, start: start)
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(offset: start) }
            return .string(text)
        case BinaryTag.nibble8:
            return .string(try readPacked(alphabet: .nibble, start: start))
        case BinaryTag.hex8:
            return .string(try readPacked(alphabet: .hex, start: start))
        case BinaryTag.jidPair, BinaryTag.adJID, BinaryTag.fbJID, BinaryTag.interopJID:
            guard allowingJID else { throw .unexpectedTag(offset: start, byte: tag) }
            return .jid(try readJID(tag: tag, start: start))
        case BinaryTag.list8, BinaryTag.list16:
            throw .unexpectedTag(offset: start, byte: tag)
        default:
            throw .invalidToken(offset: start, byte: tag)
        }
    }

    /// A JID part: plain text only (no nested JIDs, no LIST_EMPTY).
    private mutating func readJIDPart(jidStart: Int) throws(BinaryNodeDecodingError) -> String {
        guard case .string(let text) = try readScalar(allowingJID: false) else {
            throw .invalidJID(offset: jidStart)
        }
        return text
    }

    private mutating func readJID(tag: UInt8, start: Int) throws(BinaryNodeDecodingError) -> JID {
        switch tag {
        case BinaryTag.jidPair:
            let user: String
            switch try readScalar(allowingJID: false) {
            case .null: user = ""
            case .string(let text): user = text
            case .jid: throw .invalidJID(offset: start)
            }
            let server = try readJIDPart(jidStart: start)
            guard !server.isEmpty else { throw .invalidJID(offset: start) }
            return JID(user: user, server: JID.Server(rawValue: server))
        case BinaryTag.adJID:
            let domain = try readByte()
            let device = try readByte()
            let user = try readJIDPart(jidStart: start)
            let server = JID.server(forDomainType: domain)
            return JID(
                user: user,
                server: server,
                device: UInt16(device),
                rawAgent: server == .phoneNumber ? domain : 0
            )
        case BinaryTag.fbJID:
            let user = try readJIDPart(jidStart: start)
            let device = try readUInt16()
            guard try readJIDPart(jidStart: start) == JID.Server.messenger.rawValue else {
                throw .invalidJID(offset: start)
            }
            return JID(user: user, server: .messenger, device: device)
        default:
            let user = try readJIDPart(jidStart: start)
            let device = try readUInt16()
            let integrator = try readUInt16()
            guard try readJIDPart(jidStart: start) == JID.Server.interop.rawValue else {
                throw .invalidJID(offset: start)
            }
            return JID(user: user, server: .interop, device: device, integrator: integrator)
        }
    }

    private mutating func readPacked(
        alphabet: PackedAlphabet,
        start: Int
    ) throws(BinaryNodeDecodingError) -> String {
        let header = try readByte()
        let pairs = Int(header & 0x7F)
        let odd = header & 0x80 != 0
        guard pairs > 0 || !odd else { throw .invalidPackedLength(offset: start) }
        guard pairs <= remaining else {
            throw .declaredSizeExceedsInput(offset: start, declared: pairs, remaining: remaining)
        }
        var characters: [UInt8] = []
        characters.reserveCapacity(pairs * 2)
        for pairIndex in 0..<pairs {
            let byte = bytes[offset + pairIndex]
            guard let high = alphabet.character(for: byte >> 4) else {
                throw .invalidPackedDigit(offset: offset + pairIndex)
            }
            characters.append(high)
            let lowCode = byte & 0x0F
            let low = alphabet.character(for: lowCode)
            if odd && pairIndex == pairs - 1 {
                // The last low nibble of an odd-length string is padding and is dropped.
                guard low != nil || lowCode == PackedAlphabet.pad else {
                    throw .invalidPackedDigit(offset: offset + pairIndex)
                }
            } else {
                guard let low else { throw .invalidPackedDigit(offset: offset + pairIndex) }
                characters.append(low)
            }
        }
        offset += pairs
        return String(decoding: characters, as: UTF8.self)
    }

    /// The bytes of a BINARY_8/20/32 value whose tag byte has been read.
    private mutating func readBinary(tag: UInt8, start: Int) throws(BinaryNodeDecodingError) -> ArraySlice<
        UInt8
    > {
        let length: Int
        switch tag {
        case BinaryTag.binary8:
            length = Int(try readByte())
        case BinaryTag.binary20:
            // 20 bits in three bytes; the top four bits are ignored, as every implementation does.
            let high = Int(try readByte() & 0x0F)
            length = high << 16 | Int(try readUInt16())
        default:
            length = Int(try readUInt32())
        }
        guard length <= remaining else {
            throw .declaredSizeExceedsInput(offset: start, declared: length, remaining: remaining)
        }
        defer { offset += length }
        return bytes[offset..<offset + length]
    }

    private mutating func readByte() throws(BinaryNodeDecodingError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func readUInt16() throws(BinaryNodeDecodingError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(offset: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private mutating func readUInt32() throws(BinaryNodeDecodingError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(offset: offset) }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
