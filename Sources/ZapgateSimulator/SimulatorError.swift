/// Why a simulator or scripted-phone operation failed.
public enum SimulatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The QR string or pairing code does not parse.
    case invalidInput(String)
    /// No companion is waiting with that QR ref or for that phone's pairing code.
    case noPendingLink(String)
    /// The companion disconnected or answered wrongly while linking.
    case linkFailed(String)
    /// No such account or device.
    case unknown(String)
    /// The state file could not be read or written.
    case storage(String)

    public var description: String {
        switch self {
        case .invalidInput(let why): "invalid input: \(why)"
        case .noPendingLink(let why): "nothing to link: \(why)"
        case .linkFailed(let why): "linking failed: \(why)"
        case .unknown(let what): "unknown \(what)"
        case .storage(let why): "simulator state: \(why)"
        }
    }
}
