import Foundation
import ZapgateCrypto
import ZapgateNoise

/// One live connection of a ``DeviceSession`` and what happened on it so far.
struct Link {
    /// Counts connections, so work left over from an old one can tell it is stale.
    let generation: Int
    let connection: NoiseConnection
    /// Work started by incoming stanzas, run beside the reader and cancelled with the link.
    let jobs: AsyncStream<Job>.Continuation
    /// Wakes the connection's supervisor when ``end`` is decided.
    let ended: AsyncStream<ConnectionEnd>.Continuation
    /// Set when something decided how the connection ends (before closing it).
    var end: ConnectionEnd?
    /// What it means if the server closes the connection now (a logout in flight).
    var closeMeans: ConnectionEnd?
    /// The server sent `pair-device`: the device may link on this connection.
    var awaitingPairing = false
    /// `pair-success` arrived; QR codes stop.
    var pairingFinished = false
    /// A pairing code we asked for and are waiting for the phone to enter.
    var pendingCode: PendingPairingCode?
    /// The adv secret the pairing-code exchange derived. Kept beside the QR's until
    /// pair-success says which one the phone used, so a mistyped code cannot spoil the QR.
    var codeAdvSecret: Data?
    /// `<success>` arrived.
    var loggedIn = false

    typealias Job = @Sendable () async -> Void
}

/// A pairing code between `companion_hello` and the phone's notification.
struct PendingPairingCode {
    let code: String
    let phoneNumber: String
    let ephemeral: Curve25519KeyPair
    let ref: Data
}

/// How a connection ended, and so what the session does next.
enum ConnectionEnd: Equatable {
    /// Reconnect at once (515 after pairing).
    case restart
    /// Reconnect after a backoff.
    case transient(DisconnectReason)
    /// Stop.
    case terminal(DisconnectReason)
    /// Wipe the credentials and stop.
    case loggedOut(LogoutReason)
}
