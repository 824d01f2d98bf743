import ZapgateMessaging
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
        case .send(let from, let chat, let text):
            try await send(text, from: from, to: chat)
        case .group(let creator, let subject, let members):
            try await requireAccounts(members)
            let group = try await simulator.phone(creator).createGroup(subject: subject, members: members)
            let count = await simulator.groupMembers(group)?.count ?? members.count + 1
            Terminal.say("created group \(group) (\(count) members)")
        case .add(let group, let number, let members):
            try await requireMember(number, of: group)
            try await requireAccounts(members)
            try await simulator.phone(number).addToGroup(group, members: members)
            let count = await simulator.groupMembers(group)?.count ?? 0
            Terminal.say(
                "added \(members.map(Self.shown).joined(separator: ", ")) to \(group) (\(count) members)")
        case .inbox(let number):
            try await requireAccount(number)
            let messages = try await simulator.phone(number).receivedMessages()
            if messages.isEmpty { Terminal.say("no messages") }
            let numbers = await numbers(of: messages.flatMap { [$0.chat, $0.sender] })
            for message in messages { Terminal.say(Self.describe(message, numbers: numbers)) }
        case .receipts(let number):
            try await requireAccount(number)
            let receipts = try await simulator.phone(number).receivedReceipts()
            if receipts.isEmpty { Terminal.say("no receipts") }
            let numbers = await numbers(of: receipts.map(\.device))
            for receipt in receipts { Terminal.say(Self.describe(receipt, numbers: numbers)) }
        case .help:
            Terminal.say(PhoneCommand.usage)
        case .quit:
            break
        }
    }

    /// The recipient is checked before the sender's phone is made, so a mistyped recipient
    /// does not leave a new account behind.
    private func send(_ text: String, from number: String, to chat: JID) async throws(SimulatorError) {
        if chat.isGroup {
            try await requireMember(number, of: chat)
        } else {
            guard let recipient = await simulator.accountNumber(chat) else {
                throw .unknown("account \(Self.shown(chat)) (\(Self.accountHint))")
            }
            // The phone is the account's only device 0: a session with itself cannot exist.
            guard recipient != number else { throw .invalidInput("\(number) cannot message its own number") }
        }
        let id = try await simulator.phone(number).send(.text(text), to: chat)
        Terminal.say("sent \(id) to \(chat)")
    }

    private static let accountHint = "a number becomes an account when it links a device or sends a message"

    /// A phone-number JID as the number typed; other JIDs in full.
    private static func shown(_ person: JID) -> String {
        person.isPhoneNumberUser ? person.user : person.description
    }

    private func requireAccount(_ number: String) async throws(SimulatorError) {
        let jid = JID(user: number, server: .phoneNumber)
        guard await simulator.accountNumber(jid) != nil else {
            throw .unknown("account \(number) (\(Self.accountHint))")
        }
    }

    private func requireAccounts(_ people: [JID]) async throws(SimulatorError) {
        for person in people where await simulator.accountNumber(person) == nil {
            throw .unknown("account \(Self.shown(person)) (\(Self.accountHint))")
        }
    }

    private func requireMember(_ number: String, of group: JID) async throws(SimulatorError) {
        guard let members = await simulator.groupMembers(group) else { throw .unknown("group \(group)") }
        guard members.contains(number) else { throw .invalidInput("\(number) is not a member of \(group)") }
    }

    /// Checked first so a mistyped JID is reported rather than creating an empty account.
    private func requireLinked(_ jid: JID) async throws(SimulatorError) {
        guard await simulator.device(jid) != nil else { throw .unknown("linked device \(jid)") }
    }

    /// The phone numbers behind the LIDs among `addresses`, by LID user, so lists can name
    /// people as they were typed.
    private func numbers(of addresses: [JID]) async -> [String: String] {
        var numbers: [String: String] = [:]
        for address in addresses where address.isLIDUser && numbers[address.user] == nil {
            numbers[address.user] = await simulator.accountNumber(address.withoutDevice)
        }
        return numbers
    }

    /// `address`, followed by ` (<number>)` when it is a LID whose number is known.
    private static func name(_ address: JID, numbers: [String: String]) -> String {
        guard address.isLIDUser, let number = numbers[address.user] else { return "\(address)" }
        return "\(address) (\(number))"
    }

    /// `<id>  chat <chat>  from <sender>[ own device]  <kind>[  "<text>"]`, LIDs followed by
    /// their numbers; the text is quoted and escaped so a message is always one line.
    static func describe(_ message: PhoneMessage, numbers: [String: String] = [:]) -> String {
        var fields = [
            message.id, "chat \(name(message.chat, numbers: numbers))",
            "from \(name(message.sender, numbers: numbers))" + (message.fromOwnDevice ? " own device" : ""),
            message.kind.rawValue,
        ]
        if let text = message.message.text { fields.append(String(reflecting: text)) }
        return fields.joined(separator: "  ")
    }

    /// `<kind>  <id>[,<id>…]  from <device>`.
    static func describe(_ receipt: PhoneReceipt, numbers: [String: String] = [:]) -> String {
        [
            "\(receipt.kind)", receipt.ids.joined(separator: ","),
            "from \(name(receipt.device, numbers: numbers))",
        ]
        .joined(separator: "  ")
    }

    /// `jid  lid <lid>  online|offline  prekeys <n>  key-index <k>  name <name>`.
    static func describe(_ device: SimulatedDevice) -> String {
        [
            "\(device.jid)", "lid \(device.lid)", device.isOnline ? "online" : "offline",
            "prekeys \(device.preKeyCount)", "key-index \(device.keyIndex)", "name \(device.name)",
        ].joined(separator: "  ")
    }
}
