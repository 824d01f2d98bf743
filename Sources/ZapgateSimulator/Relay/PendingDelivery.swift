import ZapgateWire

/// A stanza the server holds for a device until the device acknowledges it: sent at once when
/// the device is online, and again (marked offline) at its next login if no receipt or ack came.
struct PendingDelivery: Sendable {
    /// Orders deliveries, so a flush can tell what it has already sent.
    let sequence: UInt64
    let id: String
    /// `message` or `receipt`: the ack that clears it names the same class.
    let stanzaClass: String
    let node: BinaryNode
}
