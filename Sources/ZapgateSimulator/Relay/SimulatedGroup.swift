import Foundation
import ZapgateWire

/// A group chat in the simulator: who is in it and who made it. Groups address members by LID,
/// as WhatsApp's newer groups do.
struct SimulatedGroup: Sendable {
    /// The user part of `id@g.us`.
    let id: String
    var subject: String
    /// The creator's phone number.
    let creator: String
    let created: Date
    /// Members' phone numbers, in the order they joined.
    var participants: [String]

    var jid: JID { JID(user: id, server: .group) }
}
