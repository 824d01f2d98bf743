import Foundation
import Logging
import ZapgateEngine
import ZapgateStore

/// The live instances, one ``InstanceRuntime`` each, created when first needed. Starting the
/// gateway brings back every instance whose owner wants it running; stopping it stops them
/// all, together.
actor InstanceRegistry {
    let store: GatewayStore
    let secrets: SecretBox
    let environment: InstanceEnvironment
    private var runtimes: [UUID: InstanceRuntime] = [:]
    /// Whether the start-up reconnection has been done (for `/ready`).
    private(set) var restored = false

    init(store: GatewayStore, secrets: SecretBox, environment: InstanceEnvironment) {
        self.store = store
        self.secrets = secrets
        self.environment = environment
    }

    /// The runtime of an instance, made on first use.
    func runtime(for record: InstanceRecord) -> InstanceRuntime {
        if let runtime = runtimes[record.id] { return runtime }
        let (instanceID, tenantID) = (record.id, record.tenantID)
        let deviceStore = SQLDeviceStore(
            instanceID: instanceID, database: store.database, secrets: secrets,
            onReceived: { message, executor throws(StoreError) in
                // The message, its event and its received key commit together, before the
                // server's copy is acknowledged: a crash anywhere loses neither.
                let stored = message.record(instanceID: instanceID)
                if try await GatewayStore.storeInbound(stored, on: executor) {
                    try await GatewayStore.appendEvent(
                        GatewayEvent.message(GatewayEvent.messageReceived, stored, tenantID: tenantID),
                        on: executor)
                }
            })
        let runtime = InstanceRuntime(
            record: record, store: store, deviceStore: deviceStore, environment: environment)
        runtimes[record.id] = runtime
        return runtime
    }

    /// The runtime if one exists, without making it.
    func existingRuntime(_ id: UUID) -> InstanceRuntime? { runtimes[id] }

    /// Starts every instance whose desired state is running, from its stored credentials.
    func restore() async throws(GatewayStoreError) {
        let records = try await store.runningInstances()
        environment.logger.info("reconnecting instances", metadata: ["count": "\(records.count)"])
        for record in records {
            await runtime(for: record).start()
        }
        restored = true
    }

    /// Stops an instance's session (if any) and forgets its runtime.
    func remove(_ id: UUID) async {
        guard let runtime = runtimes.removeValue(forKey: id) else { return }
        await runtime.stop()
        environment.metrics.forget(instance: id)
    }

    /// Stops every session, concurrently, and waits for all of them.
    func shutdown() async {
        let all = Array(runtimes.values)
        await withTaskGroup(of: Void.self) { group in
            for runtime in all { group.addTask { await runtime.stop() } }
        }
    }
}
