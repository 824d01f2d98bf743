import ZapgateSignal

/// A ``DeviceStore`` in memory: survives a session's restart within one process, not the
/// process itself.
public actor InMemoryDeviceStore: DeviceStore {
    private var credentials: DeviceCredentials?
    private var preKeys: [UInt32: PreKeyRecord] = [:]

    public init(credentials: DeviceCredentials? = nil) {
        self.credentials = credentials
    }

    public func loadCredentials() -> DeviceCredentials? { credentials }
    public func saveCredentials(_ credentials: DeviceCredentials) { self.credentials = credentials }
    public func preKeyCount() -> Int { preKeys.count }

    public func wipe() {
        credentials = nil
        preKeys = [:]
    }

    public func loadPreKey(id: UInt32) -> PreKeyRecord? { preKeys[id] }
    public func storePreKey(_ record: PreKeyRecord) { preKeys[record.id] = record }
    public func removePreKey(id: UInt32) { preKeys[id] = nil }
}
