import ZapgateSimulator
import ZapgateWire

/// Carries out the lines typed at `zapgate sim`, one at a time and in order, against the
/// simulator and its scripted phones. Every answer is one or more lines on stdout; a line that
/// cannot be carried out answers `error: …` and the console goes on.
struct PhoneConsole {
    let simulator: Simulator

    /// Reads `lines` until `quit` (returns true) or their end (returns false).
    func run(_ lines: AsyncStream<String>) async -> Bool {
        for await line in lines {
            let command: PhoneCommand?
            do {
                command = try PhoneCommand(parsing: line)
            } catch {
                Terminal.say("error: \(error)")
                continue
            }
            guard let command else { continue }
            if command == .quit { return true }
            do {
                try await perform(command)
            } catch {
                Terminal.say("error: \(error)")
            }
        }
        return false
    }

    private func perform(_ command: PhoneCommand) async throws(SimulatorError) {
        switch command {
        case .scan(let phoneNumber, let qr):
            let device = try await simulator.phone(phoneNumber).scan(qr)
            Terminal.say("linked \(device.jid) (lid \(device.lid))")
        case .code(let phoneNumber, let code):
            let device = try await simulator.phone(phoneNumber).enterPairingCode(code)
            Terminal.say("linked \(device.jid) (lid \(device.lid))")
        case .devices(let phoneNumber):
            // Filtered here rather than through `phone(_:)`, which would create the account.
            let devices = await simulator.devices().filter { device in
                phoneNumber.map { device.jid.user == $0 } ?? true
            }
            if devices.isEmpty { Terminal.say("no linked devices") }
            for device in devices { Terminal.say(Self.describe(device)) }
        case .remove(let jid):
            try await requireLinked(jid)
            try await simulator.phone(jid.user).removeDevice(jid)
            Terminal.say("removed \(jid)")
        case .fail(let jid, let failure):
            try await requireLinked(jid)
            await simulator.failNextLogin(of: jid, with: failure)
            Terminal.say("the next login of \(jid) will be refused with \(failure)")
        case .disconnect(let jid, let error):
            try await simulator.disconnect(jid, with: error)
            Terminal.say("disconnected \(jid)")
        case .help:
            Terminal.say(PhoneCommand.usage)
        case .quit:
            break
        }
    }

    /// Checked first so a mistyped JID is reported rather than creating an empty account.
    private func requireLinked(_ jid: JID) async throws(SimulatorError) {
        guard await simulator.device(jid) != nil else { throw .unknown("linked device \(jid)") }
    }

    /// `jid  lid <lid>  online|offline  prekeys <n>  key-index <k>  name <name>`.
    static func describe(_ device: SimulatedDevice) -> String {
        [
            "\(device.jid)", "lid \(device.lid)", device.isOnline ? "online" : "offline",
            "prekeys \(device.preKeyCount)", "key-index \(device.keyIndex)", "name \(device.name)",
        ].joined(separator: "  ")
    }
}
