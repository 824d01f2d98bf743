/// Why an attribute could not be read as the type asked for.
public enum BinaryNodeAttributeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node has no attribute with this key.
    case missing(tag: String, key: String)
    /// A JID was expected but the value arrived as plain text. The wire keeps JIDs typed, so a
    /// JID written as a string token is rejected, as whatsmeow rejects it.
    case notAJID(tag: String, key: String)
    /// Text was expected but the value is a JID.
    case notAString(tag: String, key: String)
    /// The text is not a number of the requested type.
    case notAnInteger(tag: String, key: String, value: String)
    /// The text is neither `true` nor `false`.
    case notABoolean(tag: String, key: String, value: String)

    public var description: String {
        switch self {
        case .missing(let tag, let key): "<\(tag)> has no attribute \(key)"
        case .notAJID(let tag, let key): "<\(tag)> attribute \(key) is text, not a JID"
        case .notAString(let tag, let key): "<\(tag)> attribute \(key) is a JID, not text"
        case .notAnInteger(let tag, let key, let value):
            "<\(tag)> attribute \(key)=\"\(value)\" is not an integer"
        case .notABoolean(let tag, let key, let value):
            "<\(tag)> attribute \(key)=\"\(value)\" is not a boolean"
        }
    }
}
