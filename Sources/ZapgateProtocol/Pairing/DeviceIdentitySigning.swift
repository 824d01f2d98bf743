import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

/// The three proofs that bind a companion to an account when it links (ADV): the phone's HMAC
/// keyed with the QR's adv secret, the account signature over the companion's identity, and the
/// companion's signature back over the account key. Both ends use the same byte layouts, so
/// they live here once.
public enum DeviceIdentitySigning {
    /// The message the account key signs: `06 00 ‖ details ‖ companion identity`
    /// (`06 05` for a hosted device).
    public static func accountSignatureMessage(details: Data, companionIdentity: Data, hosted: Bool) -> Data {
        Data([0x06, hosted ? 0x05 : 0x00]) + details + companionIdentity
    }

    /// The message the companion signs: `06 01 ‖ details ‖ companion identity ‖ account key`.
    public static func deviceSignatureMessage(details: Data, companionIdentity: Data, accountKey: Data)
        -> Data
    {
        Data([0x06, 0x01]) + details + companionIdentity + accountKey
    }

    /// The bytes the adv secret's HMAC covers: the signed identity, behind `06 05` when hosted.
    public static func hmacMessage(details: Data, hosted: Bool) -> Data {
        hosted ? Data([0x06, 0x05]) + details : details
    }

    /// Phone side: signs `details` (a serialized `ADVDeviceIdentity`) for the companion whose
    /// identity key is `companionIdentity`, and wraps it in the HMAC container `pair-success`
    /// carries.
    public static func issue(
        details: WAADVDeviceIdentity,
        accountKey: Curve25519KeyPair,
        companionIdentity: Data,
        advSecret: Data
    ) throws -> Data {
        let detailBytes = try details.serializedData()
        let hosted = details.deviceType == .hosted
        var signed = WAADVSignedDeviceIdentity()
        signed.details = detailBytes
        signed.accountSignatureKey = accountKey.publicKey
        signed.accountSignature = try accountKey.sign(
            accountSignatureMessage(
                details: detailBytes, companionIdentity: companionIdentity, hosted: hosted))
        let signedBytes = try signed.serializedData()
        var container = WAADVSignedDeviceIdentityHMAC()
        container.details = signedBytes
        container.hmac = HMACSHA256.authenticationCode(
            for: hmacMessage(details: signedBytes, hosted: details.accountType == .hosted), key: advSecret)
        if details.accountType == .hosted { container.accountType = .hosted }
        return try container.serializedData()
    }

    /// What the companion learns from a verified `pair-success`.
    public struct Verified: Sendable {
        /// The signed identity with the companion's device signature added: what the companion
        /// stores as its account and later attaches to prekey messages.
        public var signedIdentity: WAADVSignedDeviceIdentity
        /// The inner identity (key index, timestamp, …).
        public var details: WAADVDeviceIdentity
    }

    /// Companion side, in whatsmeow's order: the HMAC, then the account signature, then our
    /// own device signature. Failures name the iq error text whatsmeow answers with.
    public static func verifyAndCountersign(
        container: Data,
        advSecret: Data,
        companionIdentity: Curve25519KeyPair
    ) throws(ProtocolError) -> Verified {
        guard let hmacContainer = try? WAADVSignedDeviceIdentityHMAC(serializedBytes: container),
            hmacContainer.hasDetails, hmacContainer.hasHmac
        else { throw .malformed("device-identity is not an ADVSignedDeviceIdentityHMAC") }
        let hostedAccount = hmacContainer.accountType == .hosted
        guard
            HMACSHA256.isValid(
                hmacContainer.hmac, for: hmacMessage(details: hmacContainer.details, hosted: hostedAccount),
                key: advSecret)
        else { throw .verificationFailed("hmac-mismatch") }
        guard var signed = try? WAADVSignedDeviceIdentity(serializedBytes: hmacContainer.details),
            signed.accountSignatureKey.count == 32, signed.accountSignature.count == 64,
            let details = try? WAADVDeviceIdentity(serializedBytes: signed.details)
        else { throw .malformed("device-identity details are not an ADVSignedDeviceIdentity") }
        let message = accountSignatureMessage(
            details: signed.details, companionIdentity: companionIdentity.publicKey,
            hosted: details.deviceType == .hosted)
        guard
            XEdDSA.verify(
                publicKey: signed.accountSignatureKey, message: message, signature: signed.accountSignature)
        else { throw .verificationFailed("signature-mismatch") }
        do {
            signed.deviceSignature = try companionIdentity.sign(
                deviceSignatureMessage(
                    details: signed.details, companionIdentity: companionIdentity.publicKey,
                    accountKey: signed.accountSignatureKey))
        } catch {
            throw .verificationFailed("internal-error")
        }
        return Verified(signedIdentity: signed, details: details)
    }

    /// Phone side: whether the companion's `pair-device-sign` carries a valid device signature.
    public static func isValidDeviceSignature(
        _ signed: WAADVSignedDeviceIdentity,
        companionIdentity: Data,
        accountKey: Data
    ) -> Bool {
        XEdDSA.verify(
            publicKey: companionIdentity,
            message: deviceSignatureMessage(
                details: signed.details, companionIdentity: companionIdentity, accountKey: accountKey),
            signature: signed.deviceSignature)
    }
}
