/// The tables that hold device state, every one keyed first by `instance_id`.
enum DeviceTable: String, CaseIterable, Sendable {
    case credentials = "device_credentials"
    case preKeys = "device_prekeys"
    case sessions = "device_sessions"
    case senderKeys = "device_sender_keys"
    case identities = "device_identities"
    case lidMappings = "device_lid_mappings"
    case receivedMessages = "device_received_messages"
    case sentMessages = "device_sent_messages"
    case senderKeyHolders = "device_sender_key_holders"

    /// The name as SQL text (trusted: it comes from this enum, never from input).
    var sql: String { rawValue }
}
