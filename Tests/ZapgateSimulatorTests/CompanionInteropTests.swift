import Foundation
import Testing
import ZapgateProtocol
import ZapgateSimulator
import ZapgateTestSupport
import ZapgateWire

/// The simulator against a companion client we did not write (Oracles/companion_oracle.py:
/// dissononce, axolotl_curve25519, `cryptography` and baileys-python's wabinary), linking and
/// logging in the way whatsmeow and Baileys do. These fail, not skip, when the venv is missing.
@Suite("Companion interop", .serialized, .timeLimit(.minutes(2)))
struct CompanionInteropTests {
    static let phoneNumber = "15550001111"
    /// How many one-time prekeys the oracle uploads when the server holds fewer than 5.
    static let preKeys = 24
    /// The oracle's DeviceProps.os (`device_props()` in the script), which the server keeps as
    /// the device's name.
    static let oracleDeviceName = "zapgate-oracle"
    /// Long enough to look at the simulator between `done` and the oracle hanging up.
    static let linger = "4"
    static let eventTimeout: Duration = .seconds(20)

    /// The oracle's offline checks: pairing-code wrapping, X25519 against `cryptography`, ADV
    /// verification, node encodings (the server JID as JID_PAIR) and the ClientPayload layout.
    @Test("the companion oracle's own pieces agree with each other and with cryptography")
    func oracleSelfTest() async throws {
        let oracle = try OracleEventStream(
            script: "companion_oracle.py", environment: .signal, arguments: ["selftest"])
        let report = try await oracle.next(timeout: .seconds(30), waitingFor: "the self-test report")
        #expect(report.bool("ok") == true, "\(report)")
        #expect(await oracle.exitStatus(timeout: .seconds(30)) == 0)
    }

    @Test("a companion links by QR code, restarts, logs in and uploads its prekeys")
    func linkByQRCode() async throws {
        try await InteropSimulator.serving { simulator, url in
            let phone = try await simulator.phone(Self.phoneNumber)
            let oracle = try Self.companion(
                "link", url: url, simulator: simulator,
                ["--prekeys", String(Self.preKeys), "--linger", Self.linger])
            defer { oracle.close() }

            let qr = try await Self.expect("qr", from: oracle)
            let text = try #require(qr.string("qr"))
            #expect(text.hasPrefix(LinkingQRCode.prefix + "2@"))
            let device = try await phone.scan(text)

            try await Self.expectPairing(oracle, linked: device, phone: phone)
            try await Self.expectLogin(oracle, phone: phone, preKeysBefore: 0, preKeysAfter: Self.preKeys)
            try await Self.expectServerView(of: device, simulator: simulator, phone: phone, hangingUp: oracle)
        }
    }

    @Test("a companion links by pairing code, restarts, logs in and uploads its prekeys")
    func linkByPairingCode() async throws {
        try await InteropSimulator.serving { simulator, url in
            let phone = try await simulator.phone(Self.phoneNumber)
            let oracle = try Self.companion(
                "link", url: url, simulator: simulator,
                [
                    "--pair-phone", Self.phoneNumber, "--prekeys", String(Self.preKeys), "--linger",
                    Self.linger,
                ])
            defer { oracle.close() }

            let shown = try await Self.expect("pairing_code", from: oracle)
            let code = try #require(shown.string("code"))
            #expect(code.count == 9 && code.dropFirst(4).first == "-", "\(shown)")
            let device = try await phone.enterPairingCode(code)

            try await Self.expectPairing(oracle, linked: device, phone: phone)
            try await Self.expectLogin(oracle, phone: phone, preKeysBefore: 0, preKeysAfter: Self.preKeys)
            try await Self.expectServerView(of: device, simulator: simulator, phone: phone, hangingUp: oracle)
        }
    }

    @Test(
        "a linked companion logs in again from its state; once the phone removes it, it is refused with 401")
    func loginFromStateThenRemoval() async throws {
        let state = FileManager.default.temporaryDirectory
            .appendingPathComponent("companion-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        try await InteropSimulator.serving { simulator, url in
            let phone = try await simulator.phone(Self.phoneNumber)

            // Link and log in once; the oracle keeps its keys and JID in `state`.
            let linking = try Self.companion(
                "link", url: url, simulator: simulator, ["--prekeys", String(Self.preKeys), "--state", state])
            defer { linking.close() }
            let qr = try await Self.expect("qr", from: linking)
            let device = try await phone.scan(try #require(qr.string("qr")))
            try await Self.expectPairing(linking, linked: device, phone: phone)
            try await Self.expectLogin(linking, phone: phone, preKeysBefore: 0, preKeysAfter: Self.preKeys)
            #expect(await linking.exitStatus(timeout: .seconds(30)) == 0, "\(linking.stderrText)")

            // A second process logs in with no QR code; the server still holds the prekeys, so
            // nothing is uploaded.
            let again = try Self.companion(
                "login", url: url, simulator: simulator, ["--state", state, "--linger", "30"])
            defer { again.close() }
            try await Self.expectLogin(
                again, phone: phone, preKeysBefore: Self.preKeys, preKeysAfter: Self.preKeys)
            #expect(await simulator.device(device.jid)?.isOnline == true)

            // "Log out" on the phone while it is connected: the server ends the stream.
            try await phone.removeDevice(device.jid)
            let removed = try await Self.expect("error", from: again)
            #expect(removed.string("reason") == "stream-error", "\(removed)")
            #expect(removed.string("code") == "401", "\(removed)")
            #expect(removed.string("conflict") == "device_removed", "\(removed)")
            #expect(await again.exitStatus(timeout: .seconds(30)) == 1)
            #expect(await simulator.device(device.jid) == nil)
            #expect(await phone.devices().isEmpty)

            // The same keys are now refused before any <success>.
            let refused = try Self.companion("login", url: url, simulator: simulator, ["--state", state])
            defer { refused.close() }
            let failure = try await Self.expect("error", from: refused)
            #expect(failure.string("reason") == "failure", "\(failure)")
            #expect(failure.string("code") == "401", "\(failure)")
            #expect(await refused.exitStatus(timeout: .seconds(30)) == 1)
            #expect(await simulator.onlineCount() == 0)
        }
    }
}

extension CompanionInteropTests {
    /// Starts the oracle in `role` against `url`, trusting the simulator's certificate root.
    static func companion(
        _ role: String, url: String, simulator: Simulator, _ arguments: [String]
    ) throws -> OracleEventStream {
        try OracleEventStream(
            script: "companion_oracle.py", environment: .signal,
            arguments: [role, "--url", url, "--root-public", simulator.rootPublicKey.hex, "--wait", "30"]
                + arguments)
    }

    /// The oracle's next event, which must be `name`: the flow is checked in order, nothing skipped.
    static func expect(_ name: String, from oracle: OracleEventStream) async throws -> OracleEvent {
        let event = try await oracle.next(timeout: eventTimeout, waitingFor: "\"\(name)\"")
        try #require(
            event.name == name,
            "expected \"\(name)\", got \(event); stderr:\n\(oracle.stderrText.suffix(6000))")
        return event
    }

    /// `paired` naming the device the phone linked, then the 515 `restart`.
    static func expectPairing(
        _ oracle: OracleEventStream, linked device: SimulatedDevice, phone: SimulatedPhone
    )
        async throws
    {
        let paired = try await expect("paired", from: oracle)
        let jid = try #require(paired.string("jid").flatMap { try? JID(parsing: $0) }, "\(paired)")
        let lid = try #require(paired.string("lid").flatMap { try? JID(parsing: $0) }, "\(paired)")
        #expect(jid == device.jid)
        #expect(lid == device.lid)
        #expect(jid.server == .phoneNumber && jid.user == phone.phoneNumber && jid.device >= 1)
        let accountLID = await phone.lid()
        #expect(lid.server == .lid && lid.user == accountLID.user && lid.device == jid.device)
        #expect(paired.string("platform") == "android")
        #expect(paired.int("key_index") == Int(device.keyIndex))
        _ = try await expect("restart", from: oracle)
    }

    /// `connected` with the account's LID, the prekey counts, and `done`.
    static func expectLogin(
        _ oracle: OracleEventStream, phone: SimulatedPhone, preKeysBefore: Int, preKeysAfter: Int
    ) async throws {
        let connected = try await expect("connected", from: oracle)
        let accountLID = await phone.lid()
        #expect(connected.string("lid").flatMap { try? JID(parsing: $0) } == accountLID, "\(connected)")
        let now = Int(Date().timeIntervalSince1970)
        let t = try #require(connected.int("t"), "\(connected)")
        #expect(abs(t - now) < 60, "\(connected)")

        let before = try await expect("prekey_count", from: oracle)
        #expect(before.string("stage") == "before" && before.int("count") == preKeysBefore, "\(before)")
        if preKeysAfter != preKeysBefore {
            let after = try await expect("prekey_count", from: oracle)
            #expect(after.string("stage") == "after" && after.int("count") == preKeysAfter, "\(after)")
        }
        let done = try await expect("done", from: oracle)
        #expect(done.int("prekey_count_before") == preKeysBefore, "\(done)")
        #expect(done.int("prekey_count_after") == preKeysAfter, "\(done)")
    }

    /// While the oracle lingers after `done` the device is online with its prekeys and name;
    /// once the oracle hangs up (status 0) the server sees it offline.
    static func expectServerView(
        of device: SimulatedDevice, simulator: Simulator, phone: SimulatedPhone,
        hangingUp oracle: OracleEventStream
    ) async throws {
        let seen = try #require(await simulator.device(device.jid))
        #expect(seen.isOnline)
        #expect(seen.preKeyCount == preKeys)
        #expect(seen.name == oracleDeviceName)
        #expect(seen.lid == device.lid)
        #expect(seen.keyIndex == device.keyIndex)
        #expect(await phone.devices() == [seen])
        #expect(await simulator.onlineCount() == 1)

        #expect(await oracle.exitStatus(timeout: .seconds(30)) == 0, "\(oracle.stderrText.suffix(6000))")
        try await InteropSimulator.waitUntil("the server sees the companion offline") {
            await simulator.device(device.jid)?.isOnline == false
        }
        #expect(await simulator.device(device.jid)?.preKeyCount == preKeys)
    }
}
