import Foundation

/// Everything kept for one peer device: the current session state and archived ones.
///
/// A peer that re-keys (a new PreKeySignalMessage) gets a new current state; the old one is
/// archived, because messages the peer sent before it saw ours may still arrive on it.
public struct SessionRecord: Sendable, Equatable {
    /// libsignal keeps 40 archived states; so do we.
    public static let maximumArchivedStates = 40

    public var current: SessionState?
    /// Most recent first.
    public var previous: [SessionState]

    public init(current: SessionState? = nil, previous: [SessionState] = []) {
        self.current = current
        self.previous = previous
    }

    /// True when the record has no state at all.
    public var isEmpty: Bool { current == nil && previous.isEmpty }

    /// Whether a state built from this initiator base key exists (current or archived).
    public func hasState(aliceBaseKey: Data) -> Bool {
        current?.aliceBaseKey == aliceBaseKey || previous.contains { $0.aliceBaseKey == aliceBaseKey }
    }

    /// Makes `state` current, archiving the old current state.
    public mutating func setCurrent(_ state: SessionState) {
        if let old = current { archive(old) }
        current = state
    }

    /// Moves the current state into the archive, so the next message needs a new session.
    public mutating func archiveCurrentState() {
        guard let old = current else { return }
        current = nil
        archive(old)
    }

    /// Puts `state` first in the archive, dropping the oldest beyond the limit.
    private mutating func archive(_ state: SessionState) {
        previous.insert(state, at: 0)
        if previous.count > Self.maximumArchivedStates {
            previous.removeLast(previous.count - Self.maximumArchivedStates)
        }
    }
}
