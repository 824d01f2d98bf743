import Foundation
import ZapgateWire

/// What a ``DeviceSession`` reports, in order, on its ``DeviceSession/events`` sequence.
public enum DeviceEvent: Sendable, Equatable {
    /// A QR code to show; the next one replaces it at `expiresAt`.
    case qr(code: String, expiresAt: Date)
    /// The pairing code to type on the phone (shown as `ABCD-EFGH`).
    case pairingCode(String)
    /// The phone linked this device: our device JID, LID and the phone's platform.
    case paired(jid: JID, lid: JID?, platform: String)
    /// Logged in and ready.
    case connected
    /// The connection ended. Unless ``DisconnectReason/isTerminal``, the session reconnects.
    case disconnected(DisconnectReason)
    /// The credentials are no longer valid and have been wiped; the session has stopped.
    case loggedOut(LogoutReason)
    /// A message arrived (each message once, also after redeliveries).
    case message(IncomingMessage)
    /// Messages we sent moved on: sent, delivered, read or played (per recipient device).
    case messageStatus(MessageStatusUpdate)
    /// A message could not be decrypted; a retry was requested from the sender.
    case undecryptable(UndecryptableMessage)
}

/// Why a connection ended.
public enum DisconnectReason: Sendable, Equatable, CustomStringConvertible {
    /// The socket failed or closed; the session reconnects with backoff.
    case connectionLost(String)
    /// The server is briefly unavailable (503 stream error or failure 500/503); reconnects.
    case serviceUnavailable
    /// No keepalive answer for too long; reconnects.
    case keepaliveTimeout
    /// Every QR code expired without a scan; the session has stopped.
    case qrCodesExpired
    /// The phone's pair-success did not verify; the session has stopped.
    case pairingRejected(String)
    /// Another connection of this device took over; the session has stopped.
    case replaced
    /// The server refused this client version (failure 405); the session has stopped.
    case clientOutdated
    /// The server refused the login for another reason; the session has stopped.
    case refused(code: Int)
    /// ``DeviceSession/stop()`` or cancellation ended it.
    case stopped

    /// Whether the session stops after this rather than reconnecting.
    public var isTerminal: Bool {
        switch self {
        case .connectionLost, .serviceUnavailable, .keepaliveTimeout: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .connectionLost(let why): "connection lost: \(why)"
        case .serviceUnavailable: "service unavailable"
        case .keepaliveTimeout: "keepalive timed out"
        case .qrCodesExpired: "QR codes expired without a scan"
        case .pairingRejected(let why): "pairing rejected: \(why)"
        case .replaced: "replaced by another connection of this device"
        case .clientOutdated: "client version refused (405)"
        case .refused(let code): "login refused (\(code))"
        case .stopped: "stopped"
        }
    }
}

/// Why the credentials were wiped.
public enum LogoutReason: Sendable, Equatable, CustomStringConvertible {
    /// ``DeviceSession/logout()`` unlinked this device.
    case userInitiated
    /// The phone removed this linked device.
    case deviceRemoved
    /// The server refused the login with a code that means the session is dead (401, 403, 406).
    case loginRefused(code: Int)

    public var description: String {
        switch self {
        case .userInitiated: "logged out by request"
        case .deviceRemoved: "removed from the phone"
        case .loginRefused(let code): "login refused (\(code)): credentials no longer valid"
        }
    }
}
