import Foundation
import Logging
import Testing
import ZapgateEngine
import ZapgateMessaging
import ZapgateSimulator
import ZapgateStore
import ZapgateTestSupport
import ZapgateWire

/// The engine over the database-backed store: linked once, it comes back from a reopened
/// SQLite file, in a new store, without a new scan, and keeps messaging on its sessions.
@Suite(.serialized) struct SQLDeviceStoreEngineTests {
    static let quiet = Logger(label: "zapgate.test.store", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A session over a fresh `SQLDeviceStore` on `database`, running against the simulator.
    static func start(
        _ harness: SimulatorHarness, instance: UUID, database: any SQLDatabase, master: MasterKey
    ) -> (store: SQLDeviceStore, running: RunningSession) {
        let store = SQLDeviceStore(
            instanceID: instance, database: database, secrets: SecretBox(masterKey: master))
        let session = DeviceSession(store: store, configuration: harness.engineConfiguration())
        let log = EventLog.following(session)
        return (store, RunningSession(session: session, log: log, run: Task { await session.run() }))
    }

    @Test func linkedOnceThenRestartedFromTheReopenedDatabaseWithoutANewScan() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let (path, folder) = try ScratchDatabases.temporarySQLitePath()
        defer { try? FileManager.default.removeItem(at: folder) }
        let master = MasterKey.generate()
        let instance = UUID()
        let ownNumber = "15550007001"
        let contact = try await harness.simulator.phone("15550007002")

        // Link by QR over the SQLite store.
        let database = try await openDatabase(.sqlite(path: path), logger: Self.quiet)
        let first = Self.start(harness, instance: instance, database: database, master: master)
        let qr = try await first.running.log.first(within: .seconds(20), "a QR code") { $0.qrCode != nil }
        let device = try await harness.simulator.phone(ownNumber).scan(try #require(qr.qrCode))
        _ = try await first.running.log.first(within: .seconds(20), "connected", where: \.isConnected)
        let account = device.jid.withoutDevice

        // A message each way.
        let fromContact = try await contact.send(.text("before the restart"), to: account)
        _ = try await first.running.log.first("the contact's first text") { event in
            if case .message(let message) = event { return message.id == fromContact }
            return false
        }
        let sent = try await first.running.session.send(.text("answer before"), to: contact.jid)
        try await waitForPhoneMessages(contact, 1, "the first answer") { $0.id == sent.id }
        // The first prekeys are stored (one statement each) and uploaded before the stop.
        try await eventually("812 prekeys on the server") {
            await harness.simulator.device(device.jid)?.preKeyCount == 812
        }
        #expect(try await first.store.preKeyCount() == 812)

        // Stop, close the file, and start over from it: new database handle, new store.
        await first.running.stop()
        await database.close()
        let reopened = try await openDatabase(.sqlite(path: path), logger: Self.quiet)
        let second = Self.start(harness, instance: instance, database: reopened, master: master)
        _ = try await second.running.log.first(within: .seconds(20), "connected again", where: \.isConnected)
        #expect(await second.running.log.count { $0.qrCode != nil } == 0)
        #expect(try await second.store.loadCredentials()?.account?.jid == device.jid)

        let again = try await contact.send(.text("after the restart"), to: account)
        _ = try await second.running.log.first("the contact's second text") { event in
            if case .message(let message) = event {
                return message.id == again && message.message.text == "after the restart"
            }
            return false
        }
        let answer = try await second.running.session.send(.text("answer after"), to: contact.jid)
        let got = try await waitForPhoneMessages(contact, 1, "the second answer") { $0.id == answer.id }
        #expect(got.first?.message.text == "answer after")
        // The first message was recorded as received, and is not reported again after the restart.
        #expect(
            await second.running.log.count { event in
                if case .message(let message) = event { return message.id == fromContact }
                return false
            } == 0)

        await second.running.stop()
        await reopened.close()
    }
}
