/// Why bytes are not a binary node. Offsets count from the first byte of the node data (after
/// the frame flag and any inflation).
public enum BinaryNodeDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame payload without even its flag byte.
    case emptyPayload
    /// The data ends before a value that starts at `offset` is complete.
    case truncated(offset: Int)
    /// Bytes are left over after the node.
    case trailingBytes(count: Int)
    /// A size field (byte string length, list count) promises more than the bytes that remain.
    case declaredSizeExceedsInput(offset: Int, declared: Int, remaining: Int)
    /// A node does not start with LIST_8 or LIST_16 (LIST_EMPTY is not a node).
    case invalidNodeStart(offset: Int, byte: UInt8)
    /// The tag of a node is not a non-empty plain string.
    case invalidNodeTag(offset: Int)
    /// A byte that is neither a token nor a tag the format defines (240...244).
    case invalidToken(offset: Int, byte: UInt8)
    /// A valid tag where it may not stand, for example a list where a string is expected or a
    /// JID as an attribute key.
    case unexpectedTag(offset: Int, byte: UInt8)
    /// A NIBBLE_8 digit (12...14, or the pad 15 before the end) that is not a character.
    case invalidPackedDigit(offset: Int)
    /// NIBBLE_8/HEX_8 with zero pairs but the odd-length flag set.
    case invalidPackedLength(offset: Int)
    /// A byte string read as text is not UTF-8.
    case invalidUTF8(offset: Int)
    /// A JID encoding with an empty or wrong server, or a part that is not a plain string.
    case invalidJID(offset: Int)
    /// Nodes nest deeper than the limit.
    case nestingTooDeep(limit: Int)
    /// The zlib payload inflates to more than the limit.
    case inflatedSizeExceedsLimit(limit: Int)
    /// The zlib payload is not valid zlib data (the zlib message).
    case inflateFailed(String)

    public var description: String {
        switch self {
        case .emptyPayload: "empty frame payload"
        case .truncated(let offset): "data ends inside the value at offset \(offset)"
        case .trailingBytes(let count): "\(count) bytes left over after the node"
        case .declaredSizeExceedsInput(let offset, let declared, let remaining):
            "size at offset \(offset) declares \(declared) but only \(remaining) bytes remain"
        case .invalidNodeStart(let offset, let byte): "node at offset \(offset) starts with \(byte)"
        case .invalidNodeTag(let offset): "node tag at offset \(offset) is not a non-empty string"
        case .invalidToken(let offset, let byte): "invalid token \(byte) at offset \(offset)"
        case .unexpectedTag(let offset, let byte): "tag \(byte) not allowed at offset \(offset)"
        case .invalidPackedDigit(let offset): "invalid packed digit at offset \(offset)"
        case .invalidPackedLength(let offset): "invalid packed length at offset \(offset)"
        case .invalidUTF8(let offset): "string at offset \(offset) is not UTF-8"
        case .invalidJID(let offset): "invalid JID at offset \(offset)"
        case .nestingTooDeep(let limit): "nodes nest deeper than \(limit)"
        case .inflatedSizeExceedsLimit(let limit): "payload inflates to more than \(limit) bytes"
        case .inflateFailed(let message): "zlib inflate failed: \(message)"
        }
    }
}
