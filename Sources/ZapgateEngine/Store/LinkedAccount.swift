import Foundation
import ZapgateWire

/// What linking established: who this device is and the account's proof that it belongs.
public struct LinkedAccount: Sendable, Equatable {
    /// This device's address on the phone-number server (`user:device@s.whatsapp.net`).
    public var jid: JID
    /// This device's LID address (`lid:device@lid`), when the server gave one.
    public var lid: JID?
    /// The phone's platform name (`android`, `iphone`, `smbi` …).
    public var platform: String
    /// The business name, for WhatsApp Business accounts.
    public var businessName: String?
    /// The serialized `ADVSignedDeviceIdentity` with all four fields (details, account key,
    /// account signature, our device signature); attached to prekey messages later.
    public var signedIdentity: Data
    /// The account's primary identity key (the phone's Signal identity).
    public var accountIdentityKey: Data
    /// The key index the account gave this device.
    public var keyIndex: UInt32

    public init(
        jid: JID,
        lid: JID?,
        platform: String,
        businessName: String?,
        signedIdentity: Data,
        accountIdentityKey: Data,
        keyIndex: UInt32
    ) {
        self.jid = jid
        self.lid = lid
        self.platform = platform
        self.businessName = businessName
        self.signedIdentity = signedIdentity
        self.accountIdentityKey = accountIdentityKey
        self.keyIndex = keyIndex
    }
}
