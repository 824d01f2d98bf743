import Foundation
import Logging
import ZapgateEngine
import ZapgateStore
import ZapgateWire

/// One instance's live side: its ``DeviceSession`` while it runs, the QR or pairing code being
/// shown, and the worker that drains its send queue. One actor per instance.
actor InstanceRuntime {
    let id: UUID
    let tenantID: UUID
    let store: GatewayStore
    let deviceStore: SQLDeviceStore
    let environment: InstanceEnvironment
    let logger: Logger

    /// The status as last saved.
    private(set) var status: InstanceStatus
    /// The QR code showing, until it expires or the phone links.
    private(set) var qr: (code: String, expiresAt: Date)?
    /// The pairing code showing.
    private(set) var pairingCode: String?
    private(set) var session: DeviceSession?
    var running: Task<Void, Never>?
    private var wakeSender: AsyncStream<Void>.Continuation?

    init(
        record: InstanceRecord, store: GatewayStore, deviceStore: SQLDeviceStore,
        environment: InstanceEnvironment
    ) {
        id = record.id
        tenantID = record.tenantID
        status = record.status
        self.store = store
        self.deviceStore = deviceStore
        self.environment = environment
        var logger = environment.logger
        logger[metadataKey: "instance"] = "\(record.id.uuidString.lowercased())"
        self.logger = logger
    }

    var isRunning: Bool { running != nil }

    /// Starts the session unless it runs already; returns at once.
    func start() async {
        guard running == nil else { return }
        let session = DeviceSession(
            store: deviceStore, configuration: environment.sessionConfiguration, logger: logger)
        let (wake, wakeSender) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.session = session
        self.wakeSender = wakeSender
        await save(InstanceStatusChange(status: .connecting))
        running = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    async let done: Void = session.run()
                    for await event in session.events { await self?.handle(event) }
                    await done
                }
                group.addTask { await self?.sendLoop(session, wake: wake) }
                await group.next()
                group.cancelAll()
            }
            await self?.ended()
        }
    }

    /// Stops the session and waits until it has; the status becomes `disconnected` unless
    /// the session ended in another state first.
    func stop() async {
        guard let running else { return }
        running.cancel()
        await running.value
    }

    /// The session ended (stopped, logged out, or a terminal failure).
    private func ended() async {
        running = nil
        session = nil
        wakeSender?.finish()
        wakeSender = nil
        qr = nil
        pairingCode = nil
        if [.connecting, .awaitingLink, .connected, .reconnecting].contains(status) {
            await save(InstanceStatusChange(status: .disconnected))
        }
    }

    /// Asks the send worker to look at the queue.
    func wake() {
        wakeSender?.yield()
    }

    /// Saves a status change, with its `instance.status` event, and keeps it as the current one.
    func save(_ change: InstanceStatusChange) async {
        status = change.status
        environment.metrics.statusChanged(instance: id, to: change.status)
        // In a task of its own: the last status is saved while the session is being stopped,
        // when this task is already cancelled.
        let (store, id, logger, hub) = (store, id, logger, environment.hub)
        await Task {
            do {
                try await store.updateInstanceStatus(id, change, event: GatewayEvent.status)
                hub.published(id)
            } catch {
                logger.error("could not save the instance status", metadata: ["error": "\(error)"])
            }
        }.value
    }

    /// Forgets what was showing for linking.
    func clearLinking() {
        qr = nil
        pairingCode = nil
    }

    func showQR(_ code: String, expiresAt: Date) {
        qr = (code, expiresAt)
    }

    func showPairingCode(_ code: String) {
        pairingCode = code
    }
}
