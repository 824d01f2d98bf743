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
    /// How many one-time prekeys are held locally (generated and not yet used).
    func preKeyCount() async throws(EngineError) -> Int
    /// Deletes everything: credentials, prekeys and messaging state. After a logout the device
    /// starts over.
    func wipe() async throws(EngineError)
}
