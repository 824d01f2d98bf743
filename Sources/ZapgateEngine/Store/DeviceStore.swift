import ZapgateSignal

/// Where a device's credentials, one-time prekeys and messaging state live between runs. The
/// gateway's database implements it; ``InMemoryDeviceStore`` serves tests and benchmarks.
///
/// The session calls it from one actor, one call at a time.
public protocol DeviceStore: PreKeyStore, MessagingStore {
    /// The saved credentials, or nil for a device that has never been set up.
    func loadCredentials() async throws(EngineError) -> DeviceCredentials?
    /// Replaces the saved credentials.
    func saveCredentials(_ credentials: DeviceCredentials) async throws(EngineError)
    /// Stores a batch of new one-time prekeys at once (a database does it in one transaction;
    /// a first login stores hundreds).
    func savePreKeys(_ records: [PreKeyRecord]) async throws(EngineError)
    /// How many one-time prekeys are held locally (generated and not yet used).
    func preKeyCount() async throws(EngineError) -> Int
    /// Deletes everything: credentials, prekeys and messaging state. After a logout the device
    /// starts over.
    func wipe() async throws(EngineError)
}

extension DeviceStore {
    /// Stores without a batch operation store them one by one.
    public func savePreKeys(_ records: [PreKeyRecord]) async throws(EngineError) {
        do {
            for record in records { try await storePreKey(record) }
        } catch {
            throw .store("\(error)")
        }
    }
}
