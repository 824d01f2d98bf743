/// Why a string is not a JID. Each case carries the text that was rejected.
public enum JIDParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is empty.
    case empty
    /// Nothing follows the `@`.
    case emptyServer(String)
    /// More than one `@`.
    case tooManyAtSigns(String)
    /// The user part has more dots or colons than `user.agent:device` allows, or an agent or
    /// device without a user.
    case malformedUser(String)
    /// The device is not a decimal number from 0 to 65535.
    case invalidDevice(String)
    /// The agent is not a decimal number from 0 to 255.
    case invalidAgent(String)
    /// The integrator prefix of an interop JID is not a decimal number from 0 to 65535.
    case invalidIntegrator(String)

    public var description: String {
        switch self {
        case .empty: "empty JID"
        case .emptyServer(let text): "JID \"\(text)\" has no server after @"
        case .tooManyAtSigns(let text): "JID \"\(text)\" has more than one @"
        case .malformedUser(let text): "JID \"\(text)\" has a malformed user part"
        case .invalidDevice(let text): "JID \"\(text)\" has an invalid device number"
        case .invalidAgent(let text): "JID \"\(text)\" has an invalid agent number"
        case .invalidIntegrator(let text): "JID \"\(text)\" has an invalid integrator number"
        }
    }
}
