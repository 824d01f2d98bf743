import Foundation
import Testing
import ZapgateCrypto
import ZapgateProtocol
import ZapgateTestSupport
import ZapgateWire

/// `zapgate sim` and `zapgate link` as a person or a script uses them: the built binary,
/// driven through stdin and read on stdout, with the companion oracle or `zapgate link` as the
/// client. These fail, not skip, when the binary or the oracle's venv is missing.
@Suite("zapgate sim and link commands", .serialized, .timeLimit(.minutes(2)))
struct SimCommandTests {
    static let phoneNumber = "15550009999"
    static let preKeys = 24
    static let exitTimeout: Duration = .seconds(15)

    /// A sandbox folder for one test's state files, removed afterwards.
    static func withTemporaryFolder<Value>(_ body: (URL) async throws -> Value) async throws -> Value {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("zapgate-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// Starts `zapgate sim` on a free port and reads its start-up lines: the root public key and
    /// the chat URL.
    static func startSimulator(
        _ arguments: [String]
    ) async throws -> (sim: ZapgateCommandProcess, rootPublicKey: String, url: String) {
        let sim = try ZapgateCommandProcess(["sim", "--port", "0", "--log-level", "debug"] + arguments)
        let rootPublicKey = try await sim.value(after: "root public key: ")
        let url = try await sim.value(after: "listening on ")
        #expect(url.hasPrefix("ws://127.0.0.1:") && url.hasSuffix("/ws/chat"), "\(url)")
        #expect(!url.hasPrefix("ws://127.0.0.1:0/"), "the bound port is printed, not 0")
        return (sim, rootPublicKey, url)
    }

    /// The sim's answer to `scan`/`code`: the linked device's JID and LID.
    /// `zapgate sim` with `zapgate link` linked to it by QR and connected; the caller stops both.
    static func simWithLinkedCompanion() async throws -> (
        sim: ZapgateCommandProcess, link: ZapgateCommandProcess, device: (jid: JID, lid: JID)
    ) {
        let (sim, rootPublicKey, url) = try await startSimulator(["--ephemeral"])
        let link: ZapgateCommandProcess
        do {
            link = try ZapgateCommandProcess(["link", "--url", url, "--root-public-key", rootPublicKey])
        } catch {
            sim.stop()
            throw error
        }
        do {
            try sim.send("scan \(phoneNumber) \(try await link.value(after: "qr: "))")
            let device = try await linked(by: sim)
            _ = try await link.line(waitingFor: "connected") { $0 == "connected" }
            return (sim, link, device)
        } catch {
            link.stop()
            sim.stop()
            throw error
        }
    }

    static func linked(by sim: ZapgateCommandProcess) async throws -> (jid: JID, lid: JID) {
        let line = try await sim.line(waitingFor: "\"linked …\" or an error") {
            $0.hasPrefix("linked ") || $0.hasPrefix("error: ")
        }
        let words = line.split(separator: " ")
        try #require(words.count == 4 && words[0] == "linked" && words[2] == "(lid", "\(line)")
        let jid = try JID(parsing: String(words[1]))
        let lid = try JID(parsing: String(words[3].dropLast()))
        return (jid, lid)
    }

    /// `quit` ends the simulator with status 0.
    static func quit(_ sim: ZapgateCommandProcess) async throws {
        try sim.send("quit")
        #expect(await sim.exitStatus(timeout: exitTimeout) == 0, "\(sim.stderrText.suffix(4000))")
    }

    @Test("sim links the companion oracle by a scan typed on stdin, lists it, and keeps it across a restart")
    func linkOracleAndRestart() async throws {
        try await Self.withTemporaryFolder { folder in
            let root = Curve25519KeyPair.generate()
            let statePath = folder.appendingPathComponent("s.json").path
            let oracleState = folder.appendingPathComponent("oracle.json").path
            let arguments = ["--state", statePath, "--root-private-key", root.privateKey.hex]

            let (sim, rootPublicKey, url) = try await Self.startSimulator(arguments)
            defer { sim.stop() }
            #expect(rootPublicKey == root.publicKey.hex)

            let oracle = try OracleEventStream(
                script: "companion_oracle.py", environment: .signal,
                arguments: [
                    "link", "--url", url, "--root-public", rootPublicKey, "--wait", "30",
                    "--prekeys", String(Self.preKeys), "--state", oracleState,
                ])
            defer { oracle.close() }
            let qr = try #require(
                try await oracle.next(event: "qr", timeout: .seconds(20)).event.string("qr"))
            try sim.send("scan \(Self.phoneNumber) \(qr)")
            let (jid, lid) = try await Self.linked(by: sim)
            #expect(jid.user == Self.phoneNumber && jid.server == .phoneNumber && jid.device >= 1)
            #expect(lid.server == .lid && lid.device == jid.device)

            let paired = try await oracle.next(event: "paired", timeout: .seconds(20)).event
            #expect(paired.string("jid") == jid.description, "\(paired)")
            #expect(paired.string("lid") == lid.description, "\(paired)")
            _ = try await oracle.next(event: "connected", timeout: .seconds(20))
            let done = try await oracle.next(event: "done", timeout: .seconds(20)).event
            #expect(done.int("prekey_count_after") == Self.preKeys, "\(done)")
            #expect(
                await oracle.exitStatus(timeout: Self.exitTimeout) == 0, "\(oracle.stderrText.suffix(4000))")

            try sim.send("devices")
            let listed = try await sim.line(waitingFor: "the device in `devices`") { $0.hasPrefix("\(jid) ") }
            #expect(listed.contains("lid \(lid)"), "\(listed)")
            #expect(listed.contains("prekeys \(Self.preKeys)"), "\(listed)")
            #expect(listed.contains("name zapgate-oracle"), "\(listed)")
            try await Self.quit(sim)

            // Same state file and root: the device is still there, and logs in again.
            let (again, samePublicKey, newURL) = try await Self.startSimulator(arguments)
            defer { again.stop() }
            #expect(samePublicKey == rootPublicKey)
            #expect(
                again.stdoutText.contains("state: \(statePath) (linked devices: 1)"), "\(again.stdoutText)")
            try again.send("devices")
            let kept = try await again.line(waitingFor: "the kept device") { $0.hasPrefix("\(jid) ") }
            #expect(kept.contains("offline") && kept.contains("lid \(lid)"), "\(kept)")

            let login = try OracleEventStream(
                script: "companion_oracle.py", environment: .signal,
                arguments: ["login", "--url", newURL, "--root-public", rootPublicKey, "--state", oracleState])
            defer { login.close() }
            let reconnected = try await login.next(event: "connected", timeout: .seconds(20))
            #expect(reconnected.skipped.allSatisfy { $0.name != "error" }, "\(reconnected.skipped)")
            _ = try await login.next(event: "done", timeout: .seconds(20))
            #expect(
                await login.exitStatus(timeout: Self.exitTimeout) == 0, "\(login.stderrText.suffix(4000))")
            try await Self.quit(again)
        }
    }

    @Test("zapgate link links to zapgate sim by QR code, then by pairing code")
    func linkCommandAgainstSim() async throws {
        let (sim, rootPublicKey, url) = try await Self.startSimulator(["--ephemeral"])
        defer { sim.stop() }
        #expect(sim.stdoutText.contains("note: this run made a fresh certificate root"))

        // By QR code: the `qr:` line is what `scan` takes.
        let byQR = try ZapgateCommandProcess([
            "link", "--url", url, "--root-public-key", rootPublicKey, "--exit-when-connected",
        ])
        defer { byQR.stop() }
        let qr = try await byQR.value(after: "qr: ")
        #expect(qr.hasPrefix(LinkingQRCode.prefix + "2@"), "\(qr)")
        try sim.send("scan \(Self.phoneNumber) \(qr)")
        let first = try await Self.linked(by: sim)
        let paired = try await byQR.value(after: "paired as ")
        #expect(paired.hasPrefix("\(first.jid) (lid \(first.lid))"), "\(paired)")
        _ = try await byQR.line(waitingFor: "connected") { $0 == "connected" }
        #expect(await byQR.exitStatus(timeout: Self.exitTimeout) == 0, "\(byQR.stderrText.suffix(4000))")

        // By pairing code, for another account.
        let other = "15550008888"
        let byCode = try ZapgateCommandProcess([
            "link", "--url", url, "--root-public-key", rootPublicKey, "--phone", "+\(other)",
            "--exit-when-connected",
        ])
        defer { byCode.stop() }
        let code = try await byCode.value(after: "pairing code: ")
        #expect(code.count == 9 && code.dropFirst(4).first == "-", "\(code)")
        #expect(!byCode.stdoutText.contains("qr: "), "no QR codes are shown when linking by code")
        try sim.send("code \(other) \(code)")
        let second = try await Self.linked(by: sim)
        #expect(second.jid.user == other)
        _ = try await byCode.line(waitingFor: "connected") { $0 == "connected" }
        #expect(await byCode.exitStatus(timeout: Self.exitTimeout) == 0, "\(byCode.stderrText.suffix(4000))")

        try sim.send("devices \(other)")
        let listed = try await sim.line(waitingFor: "the second device") { $0.hasPrefix("\(second.jid) ") }
        #expect(listed.contains("name Zapgate"), "\(listed)")
        try await Self.quit(sim)
        #expect(!sim.stdoutText.contains("error:"), "\(sim.stdoutText)")
    }

    @Test("zapgate link reports a removal from the phone and exits with status 1")
    func linkCommandLoggedOut() async throws {
        let (sim, link, device) = try await Self.simWithLinkedCompanion()
        defer {
            link.stop()
            sim.stop()
        }

        // A 503 is transient: the client reconnects.
        try sim.send("disconnect \(device.jid) 503")
        _ = try await sim.line(waitingFor: "the disconnect answer") { $0 == "disconnected \(device.jid)" }
        _ = try await link.line(waitingFor: "the 503") { $0.hasPrefix("disconnected: service unavailable") }
        _ = try await link.line(waitingFor: "connected again") { $0 == "connected" }

        try sim.send("remove \(device.jid)")
        _ = try await sim.line(waitingFor: "the removal") { $0 == "removed \(device.jid)" }
        _ = try await link.line(waitingFor: "the logout") { $0 == "logged out: removed from the phone" }
        #expect(await link.exitStatus(timeout: Self.exitTimeout) == 1, "\(link.stderrText.suffix(4000))")
        try await Self.quit(sim)
    }

    /// Repeats `command` until one of its answer lines satisfies `matching`: what a phone
    /// received arrives a little after the command that caused it.
    static func poll(
        _ sim: ZapgateCommandProcess, _ command: String, for what: String, attempts: Int = 20,
        _ matching: @escaping (String) -> Bool
    ) async throws -> String {
        for _ in 1..<attempts {
            try sim.send(command)
            if let line = try? await sim.line(waitingFor: what, timeout: .milliseconds(500), matching) {
                return line
            }
        }
        try sim.send(command)
        return try await sim.line(waitingFor: what, timeout: .seconds(5), matching)
    }

    /// The id in the sim's answer to `send`: `sent <id> to <chat>`.
    static func sentID(by sim: ZapgateCommandProcess) async throws -> String {
        let line = try await sim.line(waitingFor: "\"sent …\" or an error") {
            $0.hasPrefix("sent ") || $0.hasPrefix("error: ")
        }
        let words = line.split(separator: " ")
        try #require(words.count == 4 && words[0] == "sent" && words[2] == "to", "\(line)")
        return String(words[1])
    }

    @Test("the phone plays contacts: texts and a group to zapgate link, inbox and receipts on stdin")
    func phoneMessagesLinkedCompanion() async throws {
        let (sim, link, device) = try await Self.simWithLinkedCompanion()
        defer {
            link.stop()
            sim.stop()
        }
        let (alice, bob, carol) = ("15550001111", "15550002222", "15550003333")

        // A contact texts the linked account: the companion prints it, and delivers it back.
        try sim.send("send \(alice) +\(Self.phoneNumber) hello from the phone  \"quoted\"")
        let first = try await Self.sentID(by: sim)
        let shown = try await link.line(waitingFor: "the text") { $0.hasPrefix("message \(first) ") }
        #expect(shown == "message \(first) from \(alice)@s.whatsapp.net: hello from the phone  \"quoted\"")
        let receipt = try await Self.poll(sim, "receipts \(alice)", for: "the companion's receipt") {
            $0.hasPrefix("delivered  \(first)  from \(device.lid) ")
        }
        #expect(receipt == "delivered  \(first)  from \(device.lid) (\(Self.phoneNumber))")

        // Contact to contact: it lands in the other phone's inbox, named by LID and number.
        try sim.send("send \(bob) \(Self.phoneNumber) bob here")
        _ = try await Self.sentID(by: sim)
        try sim.send("send \(alice) \(bob) hi bob")
        let toBob = try await Self.sentID(by: sim)
        let inboxLine = try await Self.poll(sim, "inbox \(bob)", for: "alice's text in bob's inbox") {
            $0.hasPrefix("\(toBob)  ")
        }
        let fields = inboxLine.components(separatedBy: "  ")
        #expect(fields.count == 5, "\(inboxLine)")
        #expect(fields.dropFirst().first?.hasPrefix("chat ") == true, "\(inboxLine)")
        #expect(fields.dropFirst(2).first?.hasSuffix("@lid (\(alice))") == true, "\(inboxLine)")
        #expect(Array(fields.suffix(2)) == ["text", "\"hi bob\""], "\(inboxLine)")

        // A group made on the phone: a group text reaches the companion.
        try sim.send("group \(alice) \"Weekend plans\" \(Self.phoneNumber) \(bob)")
        let created = try await sim.line(waitingFor: "the new group") {
            $0.hasPrefix("created group ") || $0.hasPrefix("error: ")
        }
        let createdWords = created.split(separator: " ")
        try #require(createdWords.count == 5 && createdWords[1] == "group", "\(created)")
        let group = try JID(parsing: String(createdWords[2]))
        #expect(group.isGroup && created.hasSuffix("(3 members)"), "\(created)")
        try sim.send("send \(alice) \(group) hello group")
        let groupText = try await Self.sentID(by: sim)
        let groupShown = try await link.line(waitingFor: "the group text") {
            $0.hasPrefix("message \(groupText) ")
        }
        #expect(groupShown == "message \(groupText) from \(group): hello group")

        // Only members send to it or add to it; an added member can.
        try sim.send("send \(carol) \(group) let me in")
        let outsider = try await sim.line(waitingFor: "the outsider's error") { $0.hasPrefix("error: ") }
        #expect(outsider == "error: invalid input: \(carol) is not a member of \(group)")
        try sim.send("add \(group) \(carol) \(bob)")
        let notMember = try await sim.line(waitingFor: "the add error") { $0.hasPrefix("error: ") }
        #expect(notMember == "error: invalid input: \(carol) is not a member of \(group)")
        try sim.send("add \(group) \(bob) \(carol)")
        let unknown = try await sim.line(waitingFor: "the unknown member") { $0.hasPrefix("error: ") }
        #expect(unknown.hasPrefix("error: unknown account \(carol) "), "\(unknown)")
        try sim.send("send \(carol) \(Self.phoneNumber) carol here")
        _ = try await Self.sentID(by: sim)
        try sim.send("add \(group) \(bob) \(carol)")
        _ = try await sim.line(waitingFor: "the added member") {
            $0 == "added \(carol) to \(group) (4 members)"
        }
        try sim.send("send \(carol) \(group) thanks")
        let fromCarol = try await Self.sentID(by: sim)
        _ = try await link.line(waitingFor: "carol's group text") {
            $0 == "message \(fromCarol) from \(group): thanks"
        }

        try await Self.quit(sim)
    }

    @Test("bad lines get a one-line error; at the end of stdin the sim keeps serving until SIGINT")
    func badInputEndOfInputAndInterrupt() async throws {
        let (sim, _, _) = try await Self.startSimulator(["--ephemeral"])
        defer { sim.stop() }
        let bad = [
            "bogus", "scan", "scan 15550001111", "scan abc https://example.invalid/x",
            "scan 15550001111 not-a-qr",
            "code 15550001111 SHORT", "devices 1 2", "remove 15550001111@s.whatsapp.net",
            "remove 15550001111:3@s.whatsapp.net", "fail 15550001111:1@s.whatsapp.net 200",
            "disconnect 15550001111:1@s.whatsapp.net 999", "disconnect 15550001111:1@s.whatsapp.net 503",
        ]
        for line in bad {
            try sim.send(line)
            _ = try await sim.line(waitingFor: "an error for \"\(line)\"") { $0.hasPrefix("error: ") }
        }
        // Messaging lines: each error says what is wrong, and none makes an account (the scan
        // and code lines above did make 15550001111's).
        let badMessaging: [(line: String, error: String)] = [
            ("send 15550004444", "usage: send <phone> <to> <text…>"),
            ("send 15550004444 15550002222", "the text is missing"),
            ("send 15550004444 15550002222   ", "the text is missing"),
            ("send abc 15550002222 hi", "abc is not a phone number"),
            (
                "send 15550004444 someone@example.invalid hi",
                "someone@example.invalid is not a phone number or"
            ),
            ("send 15550004444 15550002222:2@s.whatsapp.net hi", "is a device's JID; give the person's"),
            ("send 15550004444 15550002222 hi", "unknown account 15550002222"),
            ("send 15550004444 120363000000000001@g.us hi", "unknown group 120363000000000001@g.us"),
            ("group 15550004444 subject", "usage: group <phone> <subject> <member>…"),
            ("group 15550004444 \"never closed 15550002222", "closing \" is missing"),
            ("group 15550004444 \"  \" 15550002222", "the group subject is empty"),
            ("group 15550004444 subject 120363000000000001@g.us", "is a group, not a person"),
            ("group 15550004444 subject 15550002222", "unknown account 15550002222"),
            ("add 15550004444@s.whatsapp.net 15550004444 15550002222", "is not a group's JID"),
            ("add 120363000000000001@g.us 15550004444 15550002222", "unknown group 120363000000000001@g.us"),
            ("inbox", "usage: inbox <phone>"),
            ("inbox 15550004444", "unknown account 15550004444"),
            ("receipts 15550002222", "unknown account 15550002222"),
        ]
        for (line, error) in badMessaging {
            try sim.send(line)
            let answer = try await sim.line(waitingFor: "an error for \"\(line)\"") { !$0.isEmpty }
            #expect(answer.hasPrefix("error: ") && answer.contains(error), "\(line) → \(answer)")
        }
        try sim.send("help")
        _ = try await sim.line(waitingFor: "send in help") { $0.contains("send <phone> <to> <text…>") }
        _ = try await sim.line(waitingFor: "quit in help") { $0.contains("quit ") }

        // Blank lines and comments are ignored; the console still answers afterwards.
        try sim.send("")
        try sim.send("# a comment")
        try sim.send("devices")
        let answer = try await sim.line(waitingFor: "the devices answer") { !$0.isEmpty }
        #expect(answer == "no linked devices")

        sim.closeInput()
        try await Task.sleep(for: .seconds(1))
        #expect(sim.isRunning, "the end of stdin does not stop the server")
        sim.interrupt()
        #expect(await sim.exitStatus(timeout: Self.exitTimeout) == 0, "\(sim.stderrText.suffix(4000))")
    }

    @Test("sim and link refuse bad options with status 64 and a clear message")
    func optionValidation() async throws {
        let cases: [(arguments: [String], message: String)] = [
            (
                ["sim", "--tls-certificate", "/nonexistent.pem"],
                "--tls-certificate and --tls-key go together"
            ),
            (["sim", "--root-private-key", "abcd"], "--root-private-key must be 64 hex digits"),
            (["sim", "--port", "70000"], "--port must be 0 to 65535"),
            (["link"], "--root-public-key"),
            (["link", "--root-public-key", String(repeating: "0", count: 64), "--phone", "12"], "--phone"),
        ]
        for (arguments, message) in cases {
            let process = try ZapgateCommandProcess(arguments)
            defer { process.stop() }
            #expect(await process.exitStatus(timeout: Self.exitTimeout) == 64, "\(arguments)")
            #expect(await process.stderr(contains: message), "\(arguments): \(process.stderrText)")
        }
    }
}
