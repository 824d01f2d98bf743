import Foundation
import Logging
import ZapgateCrypto
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

/// An account's phone as a messaging device (device 0): it has its own Signal keys, receives
/// what is sent to the account, answers with receipts (or retry requests when it cannot
/// decrypt), and sends as the primary device, so tests can play the contact.
///
/// Its sessions and keys live in memory: a restarted simulator's phone starts with new ones,
/// and peers recover through retry receipts, as they would after a reinstall.
actor PhoneDevice {
    typealias DeviceKey = SimulatorRegistry.DeviceKey

    let phoneNumber: String
    let lid: String
    let identity: Curve25519KeyPair
    let registrationID: UInt32
    let signedPreKey: SignedPreKeyRecord
    let store: InMemorySignalStore
    unowned let relay: SimulatorRelay
    let logger: Logger
    var nextPreKeyID: UInt32 = 1
    var inbox: [PhoneMessage] = []
    var receipts: [PhoneReceipt] = []
    /// What the phone sent, by id, for answering retry requests.
    var sent: [String: (chat: JID, message: WAMessage)] = [:]
    /// Retry requests sent per message id.
    var retriesAsked: [String: Int] = [:]
    /// Ids already delivered, so a redelivered message is receipted but not recorded twice.
    var seen: Set<String> = []

    private init(
        account: SimulatedAccount, identity: Curve25519KeyPair, signedPreKey: SignedPreKeyRecord,
        store: InMemorySignalStore, registrationID: UInt32, relay: SimulatorRelay, logger: Logger
    ) {
        phoneNumber = account.phoneNumber
        lid = account.lid
        self.identity = identity
        self.signedPreKey = signedPreKey
        self.store = store
        self.registrationID = registrationID
        self.relay = relay
        self.logger = logger
    }

    /// The phone of `account` with fresh prekeys and an empty session store.
    static func make(
        account: SimulatedAccount, relay: SimulatorRelay, logger: Logger
    ) async throws(SimulatorError) -> PhoneDevice {
        let identity: Curve25519KeyPair
        let signedPreKey: SignedPreKeyRecord
        do {
            identity = try account.identity()
            signedPreKey = try SignalKeys.generateSignedPreKey(identity: identity, id: 1)
        } catch {
            throw .storage("the phone's identity key of \(account.phoneNumber) is unusable: \(error)")
        }
        let registrationID = SignalKeys.generateRegistrationID()
        let store = InMemorySignalStore(identity: identity, registrationID: registrationID)
        await store.storeSignedPreKey(signedPreKey)
        return PhoneDevice(
            account: account, identity: identity, signedPreKey: signedPreKey, store: store,
            registrationID: registrationID, relay: relay, logger: logger)
    }

    var key: DeviceKey { DeviceKey(phoneNumber: phoneNumber, device: 0) }
    /// The phone's own device JID in LID addressing.
    var ownDevice: JID { JID(user: lid, server: .lid, device: 0) }

    /// A bundle for a peer starting a session with the phone; each gets a fresh one-time prekey.
    func takeBundle() async -> PreKeyBundle {
        let record = PreKeyRecord(id: nextPreKeyID, keyPair: .generate())
        nextPreKeyID = nextPreKeyID % SignalKeys.maximumPreKeyID + 1
        await store.storePreKey(record)
        return PreKeyBundle(
            registrationID: registrationID, deviceID: 0, preKeyID: record.id,
            preKeyPublic: record.keyPair.publicKey, signedPreKeyID: signedPreKey.id,
            signedPreKeyPublic: signedPreKey.keyPair.publicKey, signedPreKeySignature: signedPreKey.signature,
            identityKey: identity.publicKey)
    }

    /// Everything received so far, oldest first.
    func receivedMessages() -> [PhoneMessage] { inbox }

    /// Every receipt for the phone's own messages so far.
    func receivedReceipts() -> [PhoneReceipt] { receipts }
}
