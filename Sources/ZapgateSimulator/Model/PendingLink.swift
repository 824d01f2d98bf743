import Foundation
import ZapgateProtocol

/// A companion connected with a registration payload, waiting for a phone.
struct PendingRegistration: Sendable {
    let connection: SimulatorConnection
    let registration: CompanionRegistration
    /// Its Noise static key (from the handshake); the QR code must show the same one.
    let noiseKey: Data
}

/// A companion that asked for a pairing code for a phone number (`companion_hello`).
struct PendingCodeLink: Sendable {
    let connection: SimulatorConnection
    let registration: CompanionRegistration
    let noiseKey: Data
    let wrappedCompanionEphemeral: Data
    let ref: Data
}
