import ZapgateProtocol

/// Why an engine operation failed.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no live connection to send on.
    case notConnected
    /// A pairing code can only be asked for while the server waits for this device to link
    /// (after the first QR event) and before it has linked.
    case notAwaitingPairing
    /// The operation needs a linked device.
    case notLinked
    /// The phone number is not 6 to 15 digits (country code first, no `+`).
    case invalidPhoneNumber(String)
    /// The server answered an `<iq>` with an error.
    case iqFailed(code: Int, text: String)
    /// No answer in time.
    case timeout(String)
    /// The connection closed while waiting.
    case connectionClosed
    /// The server sent something the protocol does not allow.
    case protocolViolation(String)
    /// The credential store failed.
    case store(String)
    /// The person is not on WhatsApp (the server lists no devices for them).
    case noSuchUser(String)
    /// We are not a member of the group (or it does not exist).
    case notInGroup(String)
    /// The server refused the message with this code (its `<ack error>`).
    case messageRejected(code: Int)
    /// The message could not be encrypted or decrypted; the text says why.
    case encryption(String)
    /// Media could not be encrypted, transferred, or checked and decrypted.
    case media(MediaError)

    public var description: String {
        switch self {
        case .notConnected: "not connected"
        case .notAwaitingPairing: "the server is not waiting for this device to link"
        case .notLinked: "this device is not linked"
        case .invalidPhoneNumber(let number):
            "\(number) is not a phone number in international form (digits only)"
        case .iqFailed(let code, let text): "server answered \(code) \(text)"
        case .timeout(let what): "no answer to \(what) in time"
        case .connectionClosed: "the connection closed"
        case .protocolViolation(let what): "protocol violation: \(what)"
        case .store(let why): "credential store: \(why)"
        case .noSuchUser(let user): "\(user) is not on WhatsApp"
        case .notInGroup(let group): "not a member of \(group)"
        case .messageRejected(let code): "the server refused the message (\(code))"
        case .encryption(let why): "encryption: \(why)"
        case .media(let error): "media: \(error)"
        }
    }
}
