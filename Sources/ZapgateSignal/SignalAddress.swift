/// Whom a session belongs to: a Signal address name and a device id. For WhatsApp the name is
/// the JID user (`user` for phone-number JIDs, `user_<domain>` for LID and others) and the
/// device is the JID's device number.
public struct SignalAddress: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let deviceID: UInt32

    public init(name: String, deviceID: UInt32) {
        self.name = name
        self.deviceID = deviceID
    }

    /// `name:device`, the form whatsmeow's stores use as a key.
    public var description: String { "\(name):\(deviceID)" }
}

/// Whose sender key in which group: sender keys are per (group, sender device).
public struct SenderKeyName: Hashable, Sendable, CustomStringConvertible {
    public let groupID: String
    public let sender: SignalAddress

    public init(groupID: String, sender: SignalAddress) {
        self.groupID = groupID
        self.sender = sender
    }

    public var description: String { "\(groupID)::\(sender)" }
}
