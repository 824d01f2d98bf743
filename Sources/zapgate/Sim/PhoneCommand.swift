import Foundation
import ZapgateProtocol
import ZapgateWire

/// One line typed at `zapgate sim`: something the scripted phone or the server does.
enum PhoneCommand: Equatable {
    /// Scan a companion's QR text with this phone number's phone.
    case scan(phoneNumber: String, qr: String)
    /// Type a pairing code a companion showed for this phone number.
    case code(phoneNumber: String, code: String)
    /// List linked companions, of one phone number or of all.
    case devices(phoneNumber: String?)
    /// Unlink a companion from its phone.
    case remove(JID)
    /// Refuse a companion's next login with this failure.
    case fail(JID, ConnectFailure)
    /// End a companion's live connection with this stream error.
    case disconnect(JID, StreamError)
    /// Send a text from this phone number's phone to a person (phone-number or LID JID) or a group.
    case send(from: String, to: JID, text: String)
    /// Create a group with this phone number's account and the members (people's JIDs).
    case group(creator: String, subject: String, members: [JID])
    /// Add people to a group, by a phone number already in it.
    case add(group: JID, by: String, members: [JID])
    /// List the messages this phone number's phone received.
    case inbox(phoneNumber: String)
    /// List the receipts this phone number's phone got for its messages.
    case receipts(phoneNumber: String)
    case help
    case quit

    /// What the commands are and take, shown by `help` and in `zapgate sim --help`.
    static let usage = """
          scan <phone> <qr-text>             the phone scans a QR code, linking the device
          code <phone> <pairing-code>        the phone types a pairing code (ABCD-EFGH)
          devices [phone]                    lists linked devices, online or not
          remove <device-jid>                the phone unlinks the device
          fail <device-jid> <code>           refuses its next login: 401, 403, 405, 503 …
          disconnect <device-jid> <why>      ends its connection: 503|replaced|515|removed
          send <phone> <to> <text…>          the phone sends a text to a number, …@lid or …@g.us
          group <phone> <subject> <member>…  the phone creates a group ("quote a subject" with spaces)
          add <group-jid> <phone> <member>…  the phone, in the group, adds members to it
          inbox <phone>                      lists what the phone received: id, chat, sender, kind, text
          receipts <phone>                   lists the receipts the phone got for its messages
          help                               this list
          quit                               stops the simulator
        """

    /// A phone number as typed: digits, a leading `+` allowed. The simulator checks the length.
    private static func phoneNumber(_ word: Substring) throws(PhoneCommandError) -> String {
        let digits = word.hasPrefix("+") ? word.dropFirst() : word
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw PhoneCommandError("\(word) is not a phone number (digits, optionally after +)")
        }
        return String(digits)
    }

    /// A companion's phone-number JID such as `15550001111:1@s.whatsapp.net`.
    private static func deviceJID(_ word: Substring) throws(PhoneCommandError) -> JID {
        guard let jid = try? JID(parsing: String(word)), jid.server == .phoneNumber, jid.device != 0 else {
            throw PhoneCommandError(
                "\(word) is not a linked device's JID (phone:device@s.whatsapp.net, device not 0)")
        }
        return jid
    }

    /// Whom a message goes to: a phone number, or a person's (phone-number or LID) or a group's
    /// JID. Device JIDs are refused: a message goes to a person, who gets it on every device.
    private static func chat(_ word: Substring) throws(PhoneCommandError) -> JID {
        if let number = try? phoneNumber(word) { return JID(user: number, server: .phoneNumber) }
        guard let jid = try? JID(parsing: String(word)), jid.isGroup || jid.isPhoneNumberUser || jid.isLIDUser
        else {
            throw PhoneCommandError(
                "\(word) is not a phone number or a person's or group's JID (…@s.whatsapp.net, …@lid, …@g.us)"
            )
        }
        guard jid.device == 0, jid.rawAgent == 0 else {
            throw PhoneCommandError("\(word) is a device's JID; give the person's (\(jid.withoutDevice))")
        }
        return jid
    }

    /// A group member: a phone number or a person's JID, not a group.
    private static func member(_ word: Substring) throws(PhoneCommandError) -> JID {
        let jid = try chat(word)
        guard !jid.isGroup else { throw PhoneCommandError("\(word) is a group, not a person") }
        return jid
    }

    private static func groupJID(_ word: Substring) throws(PhoneCommandError) -> JID {
        guard let jid = try? JID(parsing: String(word)), jid.isGroup, jid.device == 0 else {
            throw PhoneCommandError("\(word) is not a group's JID (…@g.us)")
        }
        return jid
    }

    private static func isBlank(_ character: Character) -> Bool { character == " " || character == "\t" }

    /// The line after its first `count` words, without the blanks around it: free text such as
    /// a message, kept as typed.
    private static func rest(of line: String, after count: Int) -> Substring {
        var rest = line[...]
        for _ in 0..<count {
            rest = rest.drop(while: isBlank).drop(while: { !isBlank($0) })
        }
        rest = rest.drop(while: isBlank)
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        return rest
    }

    /// WhatsApp's limit on a group subject, in characters.
    static let maximumSubjectLength = 100

    /// `<subject> <member>…` of `group`: the subject is one word, or words in double quotes.
    private static func subjectAndMembers(
        _ text: Substring
    ) throws(PhoneCommandError) -> (subject: String, members: [JID]) {
        let usage = PhoneCommandError(
            "usage: group <phone> <subject> <member>… (\"quotes\" for a subject with spaces)")
        let subject: Substring
        let remainder: Substring
        if text.hasPrefix("\"") {
            let opened = text.dropFirst()
            guard let close = opened.firstIndex(of: "\"") else {
                throw PhoneCommandError("the group subject's closing \" is missing")
            }
            subject = opened[..<close]
            remainder = opened[opened.index(after: close)...]
            guard remainder.first.map(isBlank) ?? true else { throw usage }
        } else {
            guard let end = text.firstIndex(where: isBlank) else { throw usage }
            subject = text[..<end]
            remainder = text[end...]
        }
        let trimmed = subject.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw PhoneCommandError("the group subject is empty") }
        guard trimmed.count <= maximumSubjectLength else {
            throw PhoneCommandError("the group subject is longer than \(maximumSubjectLength) characters")
        }
        let words = remainder.split(whereSeparator: isBlank)
        guard !words.isEmpty else { throw usage }
        var members: [JID] = []
        for word in words { members.append(try member(word)) }
        return (trimmed, members)
    }

    private static func streamError(_ word: Substring) throws(PhoneCommandError) -> StreamError {
        switch word.lowercased() {
        case "503": .serviceUnavailable
        case "515": .restartRequired
        case "replaced": .replaced
        case "removed", "device_removed": .deviceRemoved
        default: throw PhoneCommandError("\(word) is not a stream error (503, replaced, 515 or removed)")
        }
    }

    private static func failure(_ word: Substring) throws(PhoneCommandError) -> ConnectFailure {
        guard let code = Int(word), (400...599).contains(code) else {
            throw PhoneCommandError("\(word) is not a failure code (400 to 599, such as 401 or 503)")
        }
        return ConnectFailure(rawValue: code)
    }

    /// Reads a line; nil for a blank line or a `#` comment.
    init?(parsing line: String) throws(PhoneCommandError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let verb = words.first, !verb.hasPrefix("#") else { return nil }
        let arguments = words.dropFirst()
        func expect(_ count: ClosedRange<Int>, _ form: String) throws(PhoneCommandError) {
            guard count.contains(arguments.count) else { throw PhoneCommandError("usage: \(form)") }
        }
        switch verb.lowercased() {
        case "scan":
            try expect(2...2, "scan <phone> <qr-text>")
            self = .scan(phoneNumber: try Self.phoneNumber(words[1]), qr: String(words[2]))
        case "code":
            // Codes are often typed in two halves; the halves are joined back together.
            try expect(2...3, "code <phone> <pairing-code>")
            self = .code(phoneNumber: try Self.phoneNumber(words[1]), code: arguments.dropFirst().joined())
        case "devices":
            try expect(0...1, "devices [phone]")
            if let word = arguments.first {
                self = .devices(phoneNumber: try Self.phoneNumber(word))
            } else {
                self = .devices(phoneNumber: nil)
            }
        case "remove":
            try expect(1...1, "remove <device-jid>")
            self = .remove(try Self.deviceJID(words[1]))
        case "fail":
            try expect(2...2, "fail <device-jid> <code>")
            self = .fail(try Self.deviceJID(words[1]), try Self.failure(words[2]))
        case "disconnect":
            try expect(2...2, "disconnect <device-jid> <503|replaced|515|removed>")
            self = .disconnect(try Self.deviceJID(words[1]), try Self.streamError(words[2]))
        case "send":
            guard arguments.count >= 2 else { throw PhoneCommandError("usage: send <phone> <to> <text…>") }
            let text = Self.rest(of: line, after: 3)
            let from = try Self.phoneNumber(words[1])
            let to = try Self.chat(words[2])
            guard !text.isEmpty else {
                throw PhoneCommandError("send: the text is missing (send <phone> <to> <text…>)")
            }
            self = .send(from: from, to: to, text: String(text))
        case "group":
            guard arguments.count >= 3 else {
                throw PhoneCommandError(
                    "usage: group <phone> <subject> <member>… (\"quotes\" for a subject with spaces)")
            }
            let creator = try Self.phoneNumber(words[1])
            let (subject, members) = try Self.subjectAndMembers(Self.rest(of: line, after: 2))
            self = .group(creator: creator, subject: subject, members: members)
        case "add":
            guard arguments.count >= 3 else {
                throw PhoneCommandError("usage: add <group-jid> <phone> <member>…")
            }
            var members: [JID] = []
            for word in arguments.dropFirst(2) { members.append(try Self.member(word)) }
            self = .add(
                group: try Self.groupJID(words[1]), by: try Self.phoneNumber(words[2]), members: members)
        case "inbox":
            try expect(1...1, "inbox <phone>")
            self = .inbox(phoneNumber: try Self.phoneNumber(words[1]))
        case "receipts":
            try expect(1...1, "receipts <phone>")
            self = .receipts(phoneNumber: try Self.phoneNumber(words[1]))
        case "help", "?":
            try expect(0...0, "help")
            self = .help
        case "quit", "exit":
            try expect(0...0, "quit")
            self = .quit
        default:
            throw PhoneCommandError("unknown command \(verb); type help for the list")
        }
    }
}

/// Why a typed line is not a command.
struct PhoneCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
