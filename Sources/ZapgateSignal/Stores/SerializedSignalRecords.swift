import Foundation

/// Sessions and sender keys in their serialised form, exactly as a database holds them; the
/// in-memory stores keep theirs in one of these, so tests can compare and corrupt bytes.
public struct SerializedSignalRecords: Sendable {
    public private(set) var sessions: [SignalAddress: Data] = [:]
    public private(set) var senderKeys: [SenderKeyName: Data] = [:]

    public init() {}

    public func session(for address: SignalAddress) throws(SignalError) -> SessionRecord? {
        guard let bytes = sessions[address] else { return nil }
        return try SessionRecord(serialized: bytes)
    }

    public mutating func storeSession(_ record: SessionRecord, for address: SignalAddress) {
        sessions[address] = record.serialized()
    }

    /// Sets (or with nil, deletes) a session's stored bytes as they are.
    public mutating func setSessionBytes(_ bytes: Data?, for address: SignalAddress) {
        sessions[address] = bytes
    }

    public func senderKey(for name: SenderKeyName) throws(SignalError) -> SenderKeyRecord? {
        guard let bytes = senderKeys[name] else { return nil }
        return try SenderKeyRecord(serialized: bytes)
    }

    public mutating func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        senderKeys[name] = record.serialized()
    }
}
