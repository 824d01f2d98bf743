import Foundation
import ZapgateSignal

/// A ``DeviceStore`` in memory: survives a session's restart within one process, not the
/// process itself. Sessions and sender keys are kept serialised, as a database holds them.
public actor InMemoryDeviceStore: DeviceStore {
    private var credentials: DeviceCredentials?
    private var preKeys: [UInt32: PreKeyRecord] = [:]
    private var records = SerializedSignalRecords()
    private var identities: [SignalAddress: Data] = [:]
    private var lidByPhoneNumber: [String: String] = [:]
    private var phoneNumberByLID: [String: String] = [:]
    private var received: Set<String> = []
    private var sent: [String: SentMessageRecord] = [:]
    private var sentOrder: [String] = []
    private var holders: [String: Set<String>] = [:]

    public init(credentials: DeviceCredentials? = nil) {
        self.credentials = credentials
    }

    public func loadCredentials() -> DeviceCredentials? { credentials }
    public func saveCredentials(_ credentials: DeviceCredentials) { self.credentials = credentials }
    public func preKeyCount() -> Int { preKeys.count }

    public func wipe() {
        credentials = nil
        preKeys = [:]
        records = SerializedSignalRecords()
        identities = [:]
        lidByPhoneNumber = [:]
        phoneNumberByLID = [:]
        received = []
        sent = [:]
        sentOrder = []
        holders = [:]
    }

    public func loadPreKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }
    public func storePreKey(_ record: PreKeyRecord) { preKeys[record.id] = record }
    public func removePreKey(id: UInt32) { preKeys[id] = nil }

    public func loadSession(for address: SignalAddress) throws(SignalError) -> SessionRecord? {
        try records.session(for: address)
    }

    public func storeSession(_ record: SessionRecord, for address: SignalAddress) {
        records.storeSession(record, for: address)
    }

    public func deleteSession(for address: SignalAddress) { records.setSessionBytes(nil, for: address) }

    /// Replaces a session's stored bytes as they are, for tests that corrupt one.
    public func overwriteSessionBytes(_ bytes: Data, for address: SignalAddress) {
        records.setSessionBytes(bytes, for: address)
    }

    /// The stored bytes of a session.
    public func sessionBytes(for address: SignalAddress) -> Data? { records.sessions[address] }

    public func loadSenderKey(for name: SenderKeyName) throws(SignalError) -> SenderKeyRecord? {
        try records.senderKey(for: name)
    }

    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        records.storeSenderKey(record, for: name)
    }

    public func peerIdentity(for address: SignalAddress) -> Data? { identities[address] }

    public func savePeerIdentity(_ identityKey: Data, for address: SignalAddress) -> Bool {
        let old = identities.updateValue(identityKey, forKey: address)
        return old != nil && old != identityKey
    }

    public func storeLIDMapping(lid: String, phoneNumber: String) {
        lidByPhoneNumber[phoneNumber] = lid
        phoneNumberByLID[lid] = phoneNumber
    }

    public func lid(forPhoneNumber phoneNumber: String) -> String? { lidByPhoneNumber[phoneNumber] }
    public func phoneNumber(forLID lid: String) -> String? { phoneNumberByLID[lid] }

    public func hasReceived(_ key: String) -> Bool { received.contains(key) }
    public func markReceived(_ key: String) { received.insert(key) }

    /// How many sent messages are kept for retries (whatsmeow keeps 256 in memory).
    public static let keptSentMessages = 1_000

    public func saveSentMessage(_ record: SentMessageRecord) {
        if sent.updateValue(record, forKey: record.id) == nil { sentOrder.append(record.id) }
        if sentOrder.count > Self.keptSentMessages {
            for id in sentOrder.prefix(sentOrder.count - Self.keptSentMessages) { sent[id] = nil }
            sentOrder.removeFirst(sentOrder.count - Self.keptSentMessages)
        }
    }
    public func sentMessage(id: String) -> SentMessageRecord? { sent[id] }

    public func senderKeyHolders(group: String) -> Set<String> { holders[group] ?? [] }

    public func addSenderKeyHolders(_ devices: [String], group: String) {
        holders[group, default: []].formUnion(devices)
    }
}
