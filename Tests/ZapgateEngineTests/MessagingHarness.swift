import Foundation
import Testing
import ZapgateEngine
import ZapgateMessaging
import ZapgateSimulator
import ZapgateWire

/// A linked engine for messaging tests: its session, events, store and account.
struct LinkedEngine: Sendable {
    let session: DeviceSession
    let log: EventLog
    let run: Task<Void, Never>
    let store: InMemoryDeviceStore
    let device: SimulatedDevice

    /// The account's phone-number JID (no device).
    var account: JID { device.jid.withoutDevice }

    func stop() async {
        run.cancel()
        await run.value
    }

    /// The messages received so far.
    func messages() async -> [IncomingMessage] {
        await log.events.compactMap {
            if case .message(let message) = $0 { return message }
            return nil
        }
    }

    /// Waits until `count` messages matched `match`, and returns them.
    @discardableResult
    func waitForMessages(
        _ count: Int, within timeout: Duration = .seconds(30), _ description: String,
        where match: @escaping @Sendable (IncomingMessage) -> Bool = { _ in true }
    ) async throws -> [IncomingMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = await messages().filter(match)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(description); saw \(await messages().count) messages")
        throw CancellationError()
    }

    /// Waits for a status update of `id` reaching `status` from some device.
    func waitForStatus(_ status: MessageStatus, of id: String, within timeout: Duration = .seconds(30))
        async throws
    {
        _ = try await log.first(within: timeout, "\(status) for \(id)") { event in
            if case .messageStatus(let update) = event {
                return update.ids.contains(id) && update.status == status
            }
            return false
        }
    }
}

extension SimulatorHarness {
    /// Links a fresh engine to `phone`'s account by QR and waits until it is connected.
    func linkEngine(_ phone: String, store: InMemoryDeviceStore = InMemoryDeviceStore()) async throws
        -> LinkedEngine
    {
        let linked = try await LinkingTests.linkByQR(self, phone: phone, store: store)
        return LinkedEngine(
            session: linked.session, log: linked.log, run: linked.run, store: store, device: linked.device)
    }

    /// Starts an engine again from its store (a restart) and waits until it is connected.
    func restart(_ engine: LinkedEngine) async throws -> LinkedEngine {
        await engine.stop()
        return try await restartFromStore(engine)
    }

    /// Starts a stopped engine again from its store and waits until it is connected.
    func restartFromStore(_ engine: LinkedEngine) async throws -> LinkedEngine {
        let running = startSession(store: engine.store)
        _ = try await running.log.first("connected again", where: \.isConnected)
        return LinkedEngine(
            session: running.session, log: running.log, run: running.run, store: engine.store,
            device: engine.device)
    }
}

/// Waits until the phone has received `count` messages matching `match`.
@discardableResult
func waitForPhoneMessages(
    _ phone: SimulatedPhone, _ count: Int, within timeout: Duration = .seconds(30), _ description: String,
    where match: @escaping @Sendable (PhoneMessage) -> Bool = { _ in true }
) async throws -> [PhoneMessage] {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let found = try await phone.receivedMessages().filter(match)
        if found.count >= count { return found }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("timed out waiting for \(description) on \(phone.phoneNumber)")
    throw CancellationError()
}
