/// Why a node cannot be written in the binary format.
public enum BinaryNodeEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What a JID has that its wire encoding cannot carry.
    public enum JIDProblem: Equatable, Sendable {
        /// The server is empty.
        case emptyServer
        /// A device on a server written as JID_PAIR (which has no device field), or a device
        /// above 255 on one written as AD_JID.
        case device
        /// A raw agent anywhere but the phone-number server, or one of the values 1, 128, 129
        /// that AD_JID reserves for the LID and hosted servers.
        case rawAgent
        /// An integrator on a server other than `interop`.
        case integrator
    }

    /// The node (or a descendant) has an empty tag.
    case emptyTag
    /// A node has more than 65,535 list entries (attributes and content) or children.
    case tooManyItems(Int)
    /// Byte content or a string is longer than a BINARY_32 length can say.
    case tooLong(Int)
    /// A JID cannot be written as any JID encoding.
    case unencodableJID(JID, JIDProblem)

    public var description: String {
        switch self {
        case .emptyTag: "node with an empty tag"
        case .tooManyItems(let count): "list of \(count) entries exceeds LIST_16"
        case .tooLong(let count): "\(count) bytes exceed BINARY_32"
        case .unencodableJID(let jid, let problem): "JID \(jid) cannot be encoded: \(problem)"
        }
    }
}
