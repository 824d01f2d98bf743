import Foundation
import ZapgateCrypto
import ZapgateSignal

/// A WhatsApp account in the simulator: a phone number, a LID, the phone's identity key, and
/// the companions linked to it.
struct SimulatedAccount: Codable, Sendable {
    /// The phone number's digits (the user part of `@s.whatsapp.net`).
    var phoneNumber: String
    /// The LID user part (`@lid`).
    var lid: String
    /// The phone's Signal identity; it signs every companion's device identity.
    var identityPrivateKey: Data
    var nextDeviceID: UInt16
    var nextKeyIndex: UInt32
    var devices: [CompanionRecord]

    func identity() throws -> Curve25519KeyPair { try Curve25519KeyPair(privateKey: identityPrivateKey) }

    func device(_ id: UInt16) -> CompanionRecord? { devices.first { $0.id == id } }
}

/// A linked companion as the server knows it.
struct CompanionRecord: Codable, Sendable {
    var id: UInt16
    /// The Noise static key it registered with: a login must present the same one.
    var noiseKey: Data
    var identityKey: Data
    var registrationID: UInt32
    var signedPreKeyID: UInt32
    var signedPreKey: Data
    var signedPreKeySignature: Data
    /// One-time prekeys by id, handed out one per session a peer starts.
    var preKeys: [UInt32: Data]
    var keyIndex: UInt32
    /// The companion's countersigned identity from `pair-device-sign`.
    var signedIdentity: Data
    /// The companion's name for itself (DeviceProps.os).
    var name: String
    var linkedAt: Date
}

extension CompanionRecord {
    /// The keys a peer gets to start a session with this companion, with `preKey` as the
    /// one-time prekey when one is left.
    func bundle(deviceID: UInt16, preKey: (id: UInt32, publicKey: Data)?) -> PreKeyBundle {
        PreKeyBundle(
            registrationID: registrationID, deviceID: UInt32(deviceID), preKeyID: preKey?.id,
            preKeyPublic: preKey?.publicKey, signedPreKeyID: signedPreKeyID, signedPreKeyPublic: signedPreKey,
            signedPreKeySignature: signedPreKeySignature, identityKey: identityKey)
    }
}
