import Foundation

/// What a peer publishes so others can start a session without it being online: the keys
/// WhatsApp returns from a prekey-bundle query (all public keys as 32 raw bytes).
public struct PreKeyBundle: Sendable, Equatable {
    public var registrationID: UInt32
    public var deviceID: UInt32
    /// The one-time prekey's id, if the server still had one for this device.
    public var preKeyID: UInt32?
    /// The one-time prekey; present exactly when `preKeyID` is.
    public var preKeyPublic: Data?
    public var signedPreKeyID: UInt32
    public var signedPreKeyPublic: Data
    /// XEdDSA by the identity key over `0x05 ‖ signedPreKeyPublic`.
    public var signedPreKeySignature: Data
    public var identityKey: Data

    public init(
        registrationID: UInt32,
        deviceID: UInt32,
        preKeyID: UInt32?,
        preKeyPublic: Data?,
        signedPreKeyID: UInt32,
        signedPreKeyPublic: Data,
        signedPreKeySignature: Data,
        identityKey: Data
    ) {
        self.registrationID = registrationID
        self.deviceID = deviceID
        self.preKeyID = preKeyID
        self.preKeyPublic = preKeyPublic
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKeyPublic = signedPreKeyPublic
        self.signedPreKeySignature = signedPreKeySignature
        self.identityKey = identityKey
    }
}
