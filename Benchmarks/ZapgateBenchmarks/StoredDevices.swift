import Foundation
import ZapgateCrypto
import ZapgateEngine
import ZapgateSignal
import ZapgateWire

/// Linked devices' credentials written to a file, so a fresh process can log them all in:
/// the engine has no persistent store of its own (the gateway's database will be one).
struct StoredDevices: Codable {
    struct Device: Codable {
        var noiseKey: Data
        var identityKey: Data
        var registrationID: UInt32
        var signedPreKeyID: UInt32
        var signedPreKey: Data
        var signedPreKeySignature: Data
        var advSecret: Data
        var nextPreKeyID: UInt32
        var jid: String
        var lid: String?
        var platform: String
        var signedIdentity: Data
        var accountIdentityKey: Data
        var keyIndex: UInt32
    }

    var url: String
    var rootPublicKey: Data
    var devices: [Device]

    static func device(_ credentials: DeviceCredentials) -> Device? {
        guard let account = credentials.account else { return nil }
        return Device(
            noiseKey: credentials.noiseKey.privateKey, identityKey: credentials.identityKey.privateKey,
            registrationID: credentials.registrationID, signedPreKeyID: credentials.signedPreKey.id,
            signedPreKey: credentials.signedPreKey.keyPair.privateKey,
            signedPreKeySignature: credentials.signedPreKey.signature, advSecret: credentials.advSecret,
            nextPreKeyID: credentials.nextPreKeyID, jid: account.jid.description,
            lid: account.lid?.description,
            platform: account.platform, signedIdentity: account.signedIdentity,
            accountIdentityKey: account.accountIdentityKey, keyIndex: account.keyIndex)
    }

    static func credentials(_ device: Device) throws -> DeviceCredentials {
        DeviceCredentials(
            noiseKey: try Curve25519KeyPair(privateKey: device.noiseKey),
            identityKey: try Curve25519KeyPair(privateKey: device.identityKey),
            registrationID: device.registrationID,
            signedPreKey: SignedPreKeyRecord(
                id: device.signedPreKeyID, keyPair: try Curve25519KeyPair(privateKey: device.signedPreKey),
                signature: device.signedPreKeySignature),
            advSecret: device.advSecret,
            nextPreKeyID: device.nextPreKeyID,
            account: LinkedAccount(
                jid: try JID(parsing: device.jid), lid: try device.lid.map { try JID(parsing: $0) },
                platform: device.platform, businessName: nil, signedIdentity: device.signedIdentity,
                accountIdentityKey: device.accountIdentityKey, keyIndex: device.keyIndex))
    }
}
