extension JID: CustomStringConvertible, LosslessStringConvertible {
    /// Parses the text forms that ``description`` writes:
    ///
    /// - `server` or `@server`: a server-only JID;
    /// - `user@server`, `user:device@server`, `user.agent:device@server` (whatsmeow's forms);
    /// - `integrator-user:device@interop` for interop JIDs with an integrator.
    ///
    /// Numbers must be plain decimal digits in range; anything else throws.
    public init(parsing text: String) throws(JIDParseError) {
        guard !text.isEmpty else { throw .empty }
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { throw .tooManyAtSigns(text) }
        guard halves.count == 2 else {
            self.init(server: Server(rawValue: text))
            return
        }
        let userPart = halves[0]
        let server = Server(rawValue: String(halves[1]))
        guard !server.rawValue.isEmpty else { throw .emptyServer(text) }
        self.init(server: server)
        guard !userPart.isEmpty else { return }

        var account = userPart
        if let dot = userPart.firstIndex(of: ".") {
            // user.agent or user.agent:device
            account = userPart[..<dot]
            let tail = userPart[userPart.index(after: dot)...]
            let pieces = tail.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !tail.contains(".") else { throw .malformedUser(text) }
            guard let agent: UInt8 = Self.decimal(pieces[0]) else { throw .invalidAgent(text) }
            rawAgent = agent
            if pieces.count == 2 {
                guard let device: UInt16 = Self.decimal(pieces[1]) else { throw .invalidDevice(text) }
                self.device = device
            }
        } else if let colon = userPart.firstIndex(of: ":") {
            account = userPart[..<colon]
            let tail = userPart[userPart.index(after: colon)...]
            guard !tail.contains(":") else { throw .malformedUser(text) }
            guard let device: UInt16 = Self.decimal(tail) else { throw .invalidDevice(text) }
            self.device = device
        }
        if server == .interop, let dash = account.firstIndex(of: "-") {
            guard let integrator: UInt16 = Self.decimal(account[..<dash]) else {
                throw .invalidIntegrator(text)
            }
            self.integrator = integrator
            account = account[account.index(after: dash)...]
        }
        guard !account.isEmpty else { throw .malformedUser(text) }
        user = String(account)
    }

    /// Parses like ``init(parsing:)``, returning nil instead of throwing.
    public init?(_ description: String) {
        guard let jid = try? JID(parsing: description) else { return nil }
        self = jid
    }

    /// The text form: `user@server`, `user:device@server` when the device is not 0,
    /// `user.agent:device@server` when a raw agent is set, `integrator-user…@interop` when an
    /// integrator is set, and `server` alone for a server-only JID.
    public var description: String {
        if user.isEmpty && device == 0 && rawAgent == 0 && integrator == 0 {
            return server.rawValue
        }
        var text = ""
        if server == .interop && integrator > 0 {
            text += "\(integrator)-"
        }
        text += user
        if rawAgent > 0 {
            text += ".\(rawAgent):\(device)"
        } else if device > 0 {
            text += ":\(device)"
        }
        return text + "@" + server.rawValue
    }

    /// Plain ASCII digits only: `Int("+5")` and friends accept signs, which a JID must not.
    private static func decimal<Number: FixedWidthInteger>(_ digits: Substring) -> Number? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Number(digits, radix: 10)
    }
}

extension JID: Codable {
    /// Decodes the text form (see ``init(parsing:)``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try JID(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the text form (see ``description``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
