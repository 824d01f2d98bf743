import ZapgateSignal
import ZapgateWire

/// Why a message could not be built, encrypted, decrypted or read.
public enum MessagingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stanza lacks something the protocol requires; the text says what.
    case malformed(String)
    /// The Signal layer refused; the session, prekey or sender key named in the error is at fault.
    case signal(SignalError)
    /// The plaintext decrypted but is not a WhatsApp `Message` protobuf.
    case invalidContent(String)
    /// The `<enc>` type or version is one we do not handle.
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed stanza: \(what)"
        case .signal(let error): "signal: \(error)"
        case .invalidContent(let what): "invalid message content: \(what)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}
