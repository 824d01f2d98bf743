import Foundation
import ZapgateSignal

/// What messaging keeps between runs: Signal sessions, peers' identity keys, group sender
/// keys, which group devices hold our sender key, PN↔LID mappings, the ids of messages already
/// received (so a redelivery is not reported twice) and what we sent recently (so a device
/// that could not decrypt can be answered).
///
/// The session calls it from one actor; calls that belong together are serialised by the
/// session.
public protocol MessagingStore: SessionStore, SenderKeyStore {
    /// The identity key saved for a peer device, if any.
    func peerIdentity(for address: SignalAddress) async throws(SignalError) -> Data?
    /// Saves a peer's identity key; returns true if it replaced a different one.
    func savePeerIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError) -> Bool

    /// Records that the LID user `lid` is the phone number `phoneNumber` (user parts only).
    func storeLIDMapping(lid: String, phoneNumber: String) async throws(EngineError)
    func lid(forPhoneNumber phoneNumber: String) async throws(EngineError) -> String?
    func phoneNumber(forLID lid: String) async throws(EngineError) -> String?

    /// Whether a message with this key (sender and id) was already received.
    func hasReceived(_ key: String) async throws(EngineError) -> Bool
    /// Remembers a received message's key.
    func markReceived(_ key: String) async throws(EngineError)
    /// Remembers a received message's key and keeps the message reported for it (nil for
    /// content that is not reported, such as a bare sender-key distribution) in the same step,
    /// so that a crash cannot record one without the other. Until it returns, the message is
    /// neither reported nor acknowledged to the server.
    func markReceived(_ key: String, reporting message: IncomingMessage?) async throws(EngineError)

    /// Keeps what we sent, for answering retry requests.
    func saveSentMessage(_ record: SentMessageRecord) async throws(EngineError)
    func sentMessage(id: String) async throws(EngineError) -> SentMessageRecord?

    /// The devices (Signal address text) that already have our current sender key for `group`.
    func senderKeyHolders(group: String) async throws(EngineError) -> Set<String>
    /// Adds devices to those holding our sender key for `group`.
    func addSenderKeyHolders(_ devices: [String], group: String) async throws(EngineError)
}

extension MessagingStore {
    /// Stores that keep no messages only remember the key.
    public func markReceived(_ key: String, reporting message: IncomingMessage?) async throws(EngineError) {
        try await markReceived(key)
    }
}

/// A message we sent, kept to re-encrypt it for a device that asks again.
public struct SentMessageRecord: Sendable, Equatable {
    public var id: String
    /// The chat as it was addressed on the wire (LID user or group).
    public var chat: String
    /// The serialized `Message` protobuf.
    public var message: Data
    public var timestamp: Date

    public init(id: String, chat: String, message: Data, timestamp: Date) {
        self.id = id
        self.chat = chat
        self.message = message
        self.timestamp = timestamp
    }
}
