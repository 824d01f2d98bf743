import Foundation
import Testing
import ZapgateSimulator
import ZapgateTestSupport
import ZapgateWire

/// The companion oracle (Oracles/companion_oracle.py, python-axolotl underneath) linked to an
/// account of the simulator and taking messaging commands on its stdin (`--commands`).
///
/// Every event it prints stays readable: waits look through all of stdout so far, so waiting for
/// one event never loses another.
struct MessagingCompanion: Sendable {
    let process: LineProcess
    /// The device the phone linked: `phone:device@s.whatsapp.net` and `lid:device@lid`.
    let device: SimulatedDevice

    /// The account's phone-number JID (no device).
    var account: JID { device.jid.withoutDevice }

    /// Why the oracle did not do what a test asked.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts the oracle, scans its QR code with `phone` and returns once it has logged in
    /// (`done`), ready for commands. With `state`, the oracle keeps its keys and JID there.
    static func link(
        _ harness: SimulatorHarness, phone: SimulatedPhone, state: String? = nil,
        within timeout: Duration = .seconds(30)
    ) async throws -> MessagingCompanion {
        let process = try start(
            "link", harness: harness,
            ["--wait", "30", "--prekeys", "30"] + (state.map { ["--state", $0] } ?? []))
        let qr = try await process.nextEvent("qr", within: timeout)
        let device = try await phone.scan(try #require(qr.string("qr")))
        let companion = MessagingCompanion(process: process, device: device)
        let paired = try await companion.next("paired", within: timeout)
        #expect(
            paired.string("jid") == device.jid.description && paired.string("lid") == device.lid.description)
        _ = try await companion.next("done", within: timeout)
        return companion
    }

    /// Starts the oracle again for a device linked earlier with `state`; returns once it has
    /// logged in (`done`). What the server held for it arrives around then.
    static func login(
        _ harness: SimulatorHarness, device: SimulatedDevice, state: String,
        within timeout: Duration = .seconds(30)
    ) async throws -> MessagingCompanion {
        let companion = MessagingCompanion(
            process: try start("login", harness: harness, ["--state", state]), device: device)
        _ = try await companion.next("done", within: timeout)
        return companion
    }

    private static func start(_ role: String, harness: SimulatorHarness, _ arguments: [String]) throws
        -> LineProcess
    {
        let python = RepositoryPaths.root.appendingPathComponent(
            OracleProcess.Environment.signal.rawValue + "/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OracleProcess.Failure.environmentMissing(python.path)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return try LineProcess(
            executable: python,
            arguments: [
                RepositoryPaths.oracles.appendingPathComponent("companion_oracle.py").path, role,
                "--url", "ws://127.0.0.1:\(harness.port)/ws/chat",
                "--root-public", harness.simulator.rootPublicKey.hex, "--commands",
            ] + arguments,
            environment: environment)
    }

    /// Every event printed so far, in order.
    var events: [CompanionEvent] { process.events }

    /// The events named `name` so far.
    func events(_ name: String) -> [CompanionEvent] { events.filter { $0.name == name } }

    /// The first event named `name` that `match` accepts, once printed.
    @discardableResult
    func next(
        _ name: String, within timeout: Duration = .seconds(30),
        where match: (CompanionEvent) -> Bool = { _ in true }
    ) async throws -> CompanionEvent {
        try await process.nextEvent(name, within: timeout, where: match)
    }

    /// Runs one command and returns its `sent` event; a `command_failed` answer throws.
    @discardableResult
    func command(_ fields: [String: String], within timeout: Duration = .seconds(30)) async throws
        -> CompanionEvent
    {
        let ref = UUID().uuidString
        var object = fields
        object["ref"] = ref
        let line = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try process.send(String(decoding: line, as: UTF8.self))
        let deadline = ContinuousClock.now + timeout
        while true {
            if let answer = events.first(where: { $0.string("ref") == ref }) {
                guard answer.name == "sent" else {
                    throw Failure(
                        description: "the oracle could not \(fields): \(answer); stderr:\n\(stderrTail)")
                }
                return answer
            }
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw Failure(description: "no answer to \(fields); stderr:\n\(stderrTail)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends a text to a person or a group; returns the `sent` event (id, devices, pkmsg …).
    @discardableResult
    func send(_ text: String, to chat: JID) async throws -> CompanionEvent {
        try await command(["cmd": chat.isGroup ? "send_group" : "send", "to": chat.description, "text": text])
    }

    /// The `message` events so far for `id`.
    func messages(id: String) -> [CompanionEvent] { events("message").filter { $0.string("id") == id } }

    /// What went wrong on the oracle's side that no test asked for: undecryptable messages,
    /// handler errors, refused commands.
    var problems: [CompanionEvent] {
        events.filter {
            ["decrypt_failed", "message_error", "handler_error", "command_failed", "bundle_error"].contains(
                $0.name ?? "")
        }
    }

    var stderrTail: String { process.stderrTail }

    /// Closes its stdin (the oracle's signal to hang up) and waits for it to exit.
    func stop() async -> Int32? {
        process.closeInput()
        let status = await process.exitStatus(timeout: .seconds(10))
        process.stop()
        return status
    }
}

extension LineProcess {
    /// Every line printed so far as an oracle event, in order.
    fileprivate var events: [CompanionEvent] { stdoutLines.map { CompanionEvent(line: $0) } }

    fileprivate var stderrTail: String { String(stderrText.suffix(8000)) }

    /// The first event named `name` that `match` accepts, once printed; an `error` event (the
    /// oracle ends its run) or the process's exit fails at once.
    fileprivate func nextEvent(
        _ name: String, within timeout: Duration, where match: (CompanionEvent) -> Bool = { _ in true }
    ) async throws -> CompanionEvent {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = events
            if let found = seen.first(where: { $0.name == name && match($0) }) { return found }
            if let fatal = seen.first(where: { $0.name == "error" }) {
                throw MessagingCompanion.Failure(
                    description: "the oracle stopped: \(fatal); stderr:\n\(stderrTail)")
            }
            guard ContinuousClock.now < deadline, isRunning else {
                throw MessagingCompanion.Failure(
                    description:
                        "no \"\(name)\" event from the oracle; it printed \(seen); stderr:\n\(stderrTail)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// One JSON object the oracle printed on a line of its own.
struct CompanionEvent: Sendable, CustomStringConvertible {
    let line: String

    /// The parsed object, or an empty one when the line is not a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    /// The `"event"` field.
    var name: String? { object["event"] as? String }

    func string(_ key: String) -> String? { object[key] as? String }

    func bool(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }

    /// A list-of-strings field.
    func strings(_ key: String) -> [String] { object[key] as? [String] ?? [] }

    var description: String { line }
}
