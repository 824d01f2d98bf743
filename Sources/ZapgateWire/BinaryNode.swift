import Foundation

/// One element of WhatsApp's binary XML: a tag, attributes in a fixed order, and content.
///
/// Two nodes are equal when their tags, attributes (in order) and content are equal, which is
/// when they encode to the same bytes.
public struct BinaryNode: Sendable, Hashable {
    /// What a node holds after its attributes.
    public enum Content: Sendable, Hashable {
        /// No content: the node ends after its attributes.
        case empty
        /// Raw bytes (keys, ciphertext, refs), always written as BINARY_8/20/32. Content that
        /// arrives as BINARY_x decodes to this case, since the format cannot tell text from bytes.
        case bytes(Data)
        /// A string, written as a token or packed digits when it can be, else as UTF-8 bytes
        /// (which then decode back as ``bytes(_:)``).
        case string(String)
        /// A JID, written as JID_PAIR, AD_JID, FB_JID or INTEROP_JID.
        case jid(JID)
        /// Child nodes. An empty list is written as LIST_EMPTY and counts as content.
        case children([BinaryNode])
    }

    /// The element name, for example `iq` or `message`. Never empty on the wire.
    public var tag: String
    /// The attributes, in the order they are written.
    public var attributes: Attributes
    /// The content.
    public var content: Content

    public init(tag: String, attributes: Attributes = [:], content: Content = .empty) {
        self.tag = tag
        self.attributes = attributes
        self.content = content
    }

    /// A node whose content is child nodes.
    public init(tag: String, attributes: Attributes = [:], children: [BinaryNode]) {
        self.init(tag: tag, attributes: attributes, content: .children(children))
    }

    /// A node whose content is raw bytes.
    public init(tag: String, attributes: Attributes = [:], bytes: Data) {
        self.init(tag: tag, attributes: attributes, content: .bytes(bytes))
    }
}
