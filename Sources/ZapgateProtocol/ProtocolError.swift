/// A stanza or pairing value that does not have the shape the protocol requires.
public enum ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required child or attribute is missing or has the wrong type or length.
    case malformed(String)
    /// A MAC, signature or AEAD tag did not verify.
    case verificationFailed(String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed: \(what)"
        case .verificationFailed(let what): "verification failed: \(what)"
        }
    }
}
