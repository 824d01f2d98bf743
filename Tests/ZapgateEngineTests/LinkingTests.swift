import Foundation
import Testing
import ZapgateEngine
import ZapgateProtocol
import ZapgateSimulator
import ZapgateWire

/// The engine against the simulator over 127.0.0.1: link, log in, come back, be logged out.
@Suite(.serialized) struct LinkingTests {
    /// Links a fresh device by QR and waits until it is logged in.
    static func linkByQR(
        _ harness: SimulatorHarness,
        phone number: String,
        store: InMemoryDeviceStore = InMemoryDeviceStore(),
        within timeout: Duration = .seconds(20),
        fastKeepalive: Bool = true
    ) async throws -> (session: DeviceSession, log: EventLog, run: Task<Void, Never>, device: SimulatedDevice)
    {
        let running = harness.startSession(
            store: store, configuration: harness.engineConfiguration(fastKeepalive: fastKeepalive))
        let qr = try await running.log.first(within: timeout, "a QR code") { $0.qrCode != nil }
        let device = try await harness.simulator.phone(number).scan(try #require(qr.qrCode))
        _ = try await running.log.first(within: timeout, "connected", where: \.isConnected)
        return (running.session, running.log, running.run, device)
    }

    @Test func linkByQRThenUploadTheFirstPrekeys() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let linked = try await Self.linkByQR(harness, phone: "15550001001", store: store)

        let paired = try await linked.log.first("paired", where: \.isPaired)
        guard case .paired(let jid, let lid, let platform) = paired else { return }
        #expect(jid == linked.device.jid && jid.device >= 1)
        #expect(lid == linked.device.lid)
        #expect(platform == "android")
        let account = try #require(await store.loadCredentials()?.account)
        #expect(account.jid == jid && account.keyIndex == linked.device.keyIndex)

        // 812 prekeys at first, held on both sides.
        try await eventually("812 prekeys on the server") {
            await harness.simulator.device(jid)?.preKeyCount == 812
        }
        #expect(await store.preKeyCount() == 812)
        #expect(await harness.simulator.device(jid)?.isOnline == true)
        linked.run.cancel()
        await linked.run.value
        #expect(await linked.log.events.last == .disconnected(.stopped))
    }

    @Test func linkByPairingCode() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let running = harness.startSession(store: store)
        let (session, log) = (running.session, running.log)
        _ = try await log.first("a QR code") { $0.qrCode != nil }

        await #expect(throws: EngineError.invalidPhoneNumber("12ab")) {
            try await session.requestPairingCode(phoneNumber: "12ab")
        }
        let code = try await session.requestPairingCode(phoneNumber: "+15550001002")
        #expect(code.count == 9 && code.contains("-"))
        _ = try await log.first("the pairing code event") { $0 == .pairingCode(code) }

        let phone = try await harness.simulator.phone("15550001002")
        let device = try await phone.enterPairingCode(code.lowercased())
        _ = try await log.first("connected", where: \.isConnected)
        #expect(try #require(await store.loadCredentials()?.account).jid == device.jid)
        await running.stop()
    }

    @Test func aMistypedPairingCodeDoesNotLink() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let running = harness.startSession(store: InMemoryDeviceStore())
        let (session, log) = (running.session, running.log)
        _ = try await log.first("a QR code") { $0.qrCode != nil }
        let code = try await session.requestPairingCode(phoneNumber: "15550001003")
        let wrong = code == "2222-2222" ? "3333-3333" : "2222-2222"
        await #expect(throws: SimulatorError.self) {
            try await harness.simulator.phone("15550001003").enterPairingCode(wrong)
        }
        #expect(await harness.simulator.devices().isEmpty)
        #expect(await log.count(where: \.isPaired) == 0)
        await running.stop()
    }

    @Test func restartFromStoredCredentialsLogsInWithoutAQR() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let first = try await Self.linkByQR(harness, phone: "15550001004", store: store)
        try await eventually("prekeys uploaded") {
            await harness.simulator.device(first.device.jid)?.preKeyCount == 812
        }
        first.run.cancel()
        await first.run.value

        let running = harness.startSession(store: store)
        let log = running.log
        _ = try await log.first("connected", where: \.isConnected)
        #expect(await log.count { $0.qrCode != nil } == 0)
        // The server still holds enough prekeys, so none are uploaded again.
        #expect(await store.preKeyCount() == 812)
        #expect(await harness.simulator.device(first.device.jid)?.preKeyCount == 812)
        await running.stop()
    }

    @Test func theEngineComesBackAfterTheServerDies() async throws {
        let harness = try await SimulatorHarness.started()
        let linked = try await Self.linkByQR(harness, phone: "15550001005")
        await harness.stop()
        _ = try await linked.log.first("disconnected") {
            if case .disconnected(let reason) = $0 { return !reason.isTerminal }
            return false
        }
        try await Task.sleep(for: .milliseconds(300))
        try await harness.start()
        try await eventually("connected twice") { await linked.log.count(where: \.isConnected) == 2 }
        #expect(await harness.simulator.device(linked.device.jid)?.isOnline == true)
        linked.run.cancel()
        await linked.run.value
        await harness.stop()
    }

    @Test func removalFromThePhoneWipesTheCredentials() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let linked = try await Self.linkByQR(harness, phone: "15550001006", store: store)
        try await harness.simulator.phone("15550001006").removeDevice(linked.device.jid)
        _ = try await linked.log.first("logged out") { $0 == .loggedOut(.deviceRemoved) }
        try await linked.log.waitUntilFinished()
        await linked.run.value
        #expect(await store.loadCredentials() == nil)
        #expect(await store.preKeyCount() == 0)
        #expect(await harness.simulator.device(linked.device.jid) == nil)
    }

    @Test func logoutFromTheEngineUnlinksTheDevice() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let linked = try await Self.linkByQR(harness, phone: "15550001007", store: store)
        try await linked.session.logout()
        _ = try await linked.log.first("logged out") { $0 == .loggedOut(.userInitiated) }
        await linked.run.value
        #expect(await store.loadCredentials() == nil)
        #expect(await harness.simulator.device(linked.device.jid) == nil)
    }

    @Test func anUnscannedQRRunEndsWithAClearEvent() async throws {
        let harness = try await SimulatorHarness.started(
            SimulatorConfiguration(
                refsPerPairing: 3, firstQRTimeout: .milliseconds(600), laterQRTimeout: .milliseconds(300),
                pairingGrace: .seconds(2)))
        defer { Task { await harness.stop() } }
        var configuration = harness.engineConfiguration()
        configuration.firstQRTimeout = .milliseconds(600)
        configuration.laterQRTimeout = .milliseconds(300)
        let started = Date()
        let running = harness.startSession(configuration: configuration)
        let log = running.log
        _ = try await log.first("QR codes expired") { $0 == .disconnected(.qrCodesExpired) }
        try await log.waitUntilFinished()
        await running.run.value
        let codes = await log.events.compactMap(\.qrCode)
        #expect(codes.count == 3)
        #expect(Set(codes).count == 3)
        // The codes rotate on the server's schedule: 0.6 s, then 0.3 s each.
        #expect(Date().timeIntervalSince(started) >= 1.2)
        // The refs are gone with the connection: scanning a stale code links nothing.
        await #expect(throws: SimulatorError.self) {
            try await harness.simulator.phone("15550001008").scan(codes[0])
        }
    }

    @Test func loginFailuresAreHandledByKind() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }

        // 503: transient, the engine retries and gets in.
        let transient = try await Self.linkByQR(harness, phone: "15550001009")
        await harness.simulator.failNextLogin(of: transient.device.jid, with: .serviceUnavailable)
        try await harness.simulator.disconnect(transient.device.jid, with: .serviceUnavailable)
        _ = try await transient.log.first("disconnected for 503") { $0 == .disconnected(.serviceUnavailable) }
        try await eventually("connected again after 503s") {
            await transient.log.count(where: \.isConnected) == 2
        }
        transient.run.cancel()
        await transient.run.value

        // 405: the client is too old; it stops rather than loop.
        let outdated = try await Self.linkByQR(harness, phone: "15550001010")
        await harness.simulator.failNextLogin(of: outdated.device.jid, with: .clientOutdated)
        try await harness.simulator.disconnect(outdated.device.jid, with: .serviceUnavailable)
        _ = try await outdated.log.first("client outdated") { $0 == .disconnected(.clientOutdated) }
        await outdated.run.value

        // 401 and 403: the credentials are dead; wiped, and the session stops.
        for (number, failure) in [
            ("15550001011", ConnectFailure.loggedOut), ("15550001012", .mainDeviceGone),
        ] {
            let store = InMemoryDeviceStore()
            let linked = try await Self.linkByQR(harness, phone: number, store: store)
            await harness.simulator.failNextLogin(of: linked.device.jid, with: failure)
            try await harness.simulator.disconnect(linked.device.jid, with: .serviceUnavailable)
            _ = try await linked.log.first("logged out by \(failure)") {
                $0 == .loggedOut(.loginRefused(code: failure.rawValue))
            }
            await linked.run.value
            #expect(await store.loadCredentials() == nil)
        }
    }

    @Test func aSecondLoginOfTheSameDeviceReplacesTheFirst() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let store = InMemoryDeviceStore()
        let first = try await Self.linkByQR(harness, phone: "15550001013", store: store)
        let saved = await store.loadCredentials()
        #expect(saved?.account != nil)
        let copy = InMemoryDeviceStore(credentials: saved)
        let second = harness.startSession(store: copy)
        _ = try await second.log.first("the copy connected", where: \.isConnected)
        _ = try await first.log.first("replaced") { $0 == .disconnected(.replaced) }
        await first.run.value
        await second.stop()
    }

    @Test func aSilentServerIsDetectedByKeepalive() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let linked = try await Self.linkByQR(harness, phone: "15550001015")
        try await harness.simulator.silence(linked.device.jid)
        // Pings go unanswered; after keepaliveGiveUp (3 s here) the engine drops the connection
        // without waiting for the socket to fail, and logs in again on a fresh one.
        _ = try await linked.log.first("keepalive timeout") { $0 == .disconnected(.keepaliveTimeout) }
        try await eventually("connected again") { await linked.log.count(where: \.isConnected) == 2 }
        linked.run.cancel()
        await linked.run.value
    }

    @Test func keepalivePingsAreAnswered() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let linked = try await Self.linkByQR(harness, phone: "15550001014")
        // Several keepalive periods (0.3–0.5 s) pass with no disconnect.
        try await Task.sleep(for: .seconds(2))
        #expect(await linked.log.count { if case .disconnected = $0 { true } else { false } } == 0)
        #expect(await linked.session.isConnected)
        linked.run.cancel()
        await linked.run.value
    }
}

/// Polls `condition` until it holds, for up to `timeout`.
func eventually(
    _ description: String,
    within timeout: Duration = .seconds(20),
    _ condition: @Sendable () async -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("timed out waiting for \(description)")
    throw CancellationError()
}
