import Foundation
import ZapgateWire

/// A message the server accepted.
public struct SentMessage: Sendable, Equatable {
    public var id: String
    /// The chat as addressed on the wire (the person's LID, or the group).
    public var chat: JID
    /// The server's time of acceptance.
    public var timestamp: Date
}
