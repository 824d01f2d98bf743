import ZapgateWire

/// A linked companion as tests and `zapgate sim` see it.
public struct SimulatedDevice: Sendable, Equatable {
    /// `phone:device@s.whatsapp.net`.
    public var jid: JID
    /// `lid:device@lid`.
    public var lid: JID
    /// What the companion calls itself.
    public var name: String
    /// One-time prekeys the server holds for it.
    public var preKeyCount: Int
    /// Whether it is logged in right now.
    public var isOnline: Bool
    public var keyIndex: UInt32
}
