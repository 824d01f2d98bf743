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
        case .media(let error): "media: \(error)"
        }
    }
}
