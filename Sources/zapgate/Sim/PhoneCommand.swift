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
    case help
    case quit

    /// What the commands are and take, shown by `help` and in `zapgate sim --help`.
    static let usage = """
          scan <phone> <qr-text>         the phone scans a QR code, linking the device
          code <phone> <pairing-code>    the phone types a pairing code (ABCD-EFGH)
          devices [phone]                lists linked devices, online or not
          remove <device-jid>            the phone unlinks the device
          fail <device-jid> <code>       refuses its next login: 401, 403, 405, 503 …
          disconnect <device-jid> <why>  ends its connection: 503|replaced|515|removed
          help                           this list
          quit                           stops the simulator
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
