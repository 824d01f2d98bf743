import Foundation
import ZapgateCrypto
import ZapgateSignal

/// Everything a device keeps between runs: its keys, and once linked, its account.
public struct DeviceCredentials: Sendable, Equatable {
    /// The key the device authenticates the Noise handshake with. The server remembers it at
    /// linking, so it must never change afterwards.
    public var noiseKey: Curve25519KeyPair
    /// The Signal identity.
    public var identityKey: Curve25519KeyPair
    public var registrationID: UInt32
    public var signedPreKey: SignedPreKeyRecord
    /// The secret shown in the QR code (or derived from a pairing code) that keys the phone's
    /// HMAC over our device identity.
    public var advSecret: Data
    /// The id the next generated one-time prekey gets (24-bit, from 1).
    public var nextPreKeyID: UInt32
    /// Set once linked.
    public var account: LinkedAccount?

    public init(
        noiseKey: Curve25519KeyPair,
        identityKey: Curve25519KeyPair,
        registrationID: UInt32,
        signedPreKey: SignedPreKeyRecord,
        advSecret: Data,
        nextPreKeyID: UInt32 = 1,
        account: LinkedAccount? = nil
    ) {
        self.noiseKey = noiseKey
        self.identityKey = identityKey
        self.registrationID = registrationID
        self.signedPreKey = signedPreKey
        self.advSecret = advSecret
        self.nextPreKeyID = nextPreKeyID
        self.account = account
    }

    /// Fresh keys for a device that has not linked yet (signed prekey id 1, as both reference
    /// clients do).
    public static func generate() throws(EngineError) -> DeviceCredentials {
        let identity = SignalKeys.generateIdentityKeyPair()
        do {
            return DeviceCredentials(
                noiseKey: .generate(),
                identityKey: identity,
                registrationID: SignalKeys.generateRegistrationID(),
                signedPreKey: try SignalKeys.generateSignedPreKey(identity: identity, id: 1),
                advSecret: SecureRandom.bytes(32)
            )
        } catch {
            throw .store("could not generate keys: \(error)")
        }
    }
}
