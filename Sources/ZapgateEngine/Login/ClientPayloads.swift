import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto
import ZapgateProtocol

/// The `ClientPayload` a device sends inside the handshake: a registration while unlinked,
/// a login afterwards.
enum ClientPayloads {
    /// The fields both kinds share: a web client on WiFi, connecting because the user asked.
    static func base(_ configuration: DeviceSessionConfiguration) -> WAClientPayload {
        var payload = WAClientPayload()
        var agent = WAClientPayload.UserAgent()
        agent.platform = .web
        agent.releaseChannel = .release
        var version = WAClientPayload.UserAgent.AppVersion()
        let parts = configuration.clientVersion
        if parts.count > 0 { version.primary = parts[0] }
        if parts.count > 1 { version.secondary = parts[1] }
        if parts.count > 2 { version.tertiary = parts[2] }
        agent.appVersion = version
        agent.mcc = "000"
        agent.mnc = "000"
        agent.osVersion = "0.1"
        agent.device = "Desktop"
        agent.osBuildNumber = "0.1"
        agent.localeLanguageIso6391 = "en"
        agent.localeCountryIso31661Alpha2 = "US"
        payload.userAgent = agent
        var web = WAClientPayload.WebInfo()
        web.webSubPlatform = .webBrowser
        payload.webInfo = web
        payload.connectType = .wifiUnknown
        payload.connectReason = .userActivated
        return payload
    }

    /// A new device: its keys and properties in `devicePairingData`.
    static func registration(
        _ credentials: DeviceCredentials,
        _ configuration: DeviceSessionConfiguration
    ) throws -> Data {
        var props = WADeviceProps()
        props.os = configuration.deviceName
        props.platformType = configuration.platformType
        props.requireFullSync = false
        var propsVersion = WADeviceProps.AppVersion()
        propsVersion.primary = 0
        propsVersion.secondary = 1
        props.version = propsVersion
        let registration = CompanionRegistration(
            registrationID: credentials.registrationID,
            identityKey: credentials.identityKey.publicKey,
            signedPreKeyID: credentials.signedPreKey.id,
            signedPreKey: credentials.signedPreKey.keyPair.publicKey,
            signedPreKeySignature: credentials.signedPreKey.signature,
            buildHash: MD5Digest.hash(Data(configuration.versionString.utf8)),
            deviceProps: props
        )
        var payload = base(configuration)
        payload.passive = false
        payload.pull = false
        payload.devicePairingData = try registration.pairingData()
        return try payload.serializedData()
    }

    /// A linked device logging in: its number and device id, passive until told otherwise.
    static func login(_ account: LinkedAccount, _ configuration: DeviceSessionConfiguration)
        throws(EngineError)
        -> Data
    {
        guard let username = UInt64(account.jid.user) else {
            throw .store("stored JID \(account.jid) has no numeric user")
        }
        var payload = base(configuration)
        payload.username = username
        payload.device = UInt32(account.jid.device)
        payload.passive = true
        payload.pull = true
        payload.lidDbMigrated = true
        payload.lc = 1
        do {
            return try payload.serializedData()
        } catch {
            throw .store("login payload: \(error)")
        }
    }
}
