/// A WhatsApp address: a user, group, broadcast list, newsletter or server, optionally narrowed
/// to one device of a user.
///
/// The text form is `user@server`, `user:device@server` for a device, `user.agent:device@server`
/// when a raw agent is set, and just `server` for a server-only JID (empty user). See
/// ``init(parsing:)`` and ``description``.
public struct JID: Sendable, Hashable {
    /// The part before `@`: a phone number, LID number, group id, `status`, … Empty for a
    /// server-only JID.
    public var user: String

    /// An agent number carried by AD_JID encodings on the phone-number server. Zero almost
    /// always; the LID and hosted servers imply their own domain type instead (see
    /// ``domainType``).
    public var rawAgent: UInt8

    /// The device number: 0 is the primary device (the phone), companions count up from 1.
    public var device: UInt16

    /// The integrator number of an interop JID; zero elsewhere.
    public var integrator: UInt16

    /// The server, for example ``Server/phoneNumber``.
    public var server: Server

    /// Makes a JID from its parts. Nothing is validated here; ``BinaryNode`` encoding rejects
    /// combinations the wire format cannot carry.
    public init(
        user: String,
        server: Server,
        device: UInt16 = 0,
        rawAgent: UInt8 = 0,
        integrator: UInt16 = 0
    ) {
        self.user = user
        self.rawAgent = rawAgent
        self.device = device
        self.integrator = integrator
        self.server = server
    }

    /// A JID that names a server itself, such as the `s.whatsapp.net` that `<iq>` replies come from.
    public init(server: Server) {
        self.init(user: "", server: server)
    }

    /// Whether this JID names a server rather than an account (its user is empty).
    public var isServerOnly: Bool { user.isEmpty }

    /// The same account without device or agent: what a chat is addressed to.
    public var withoutDevice: JID {
        JID(user: user, server: server, integrator: integrator)
    }

    /// This account's JID on `device`.
    public func onDevice(_ device: UInt16) -> JID {
        var copy = self
        copy.device = device
        return copy
    }
}
