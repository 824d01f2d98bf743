import Foundation
import Synchronization

/// Tells whoever waits for an instance's events that new ones are stored: the live streams
/// reading that instance's log, and the webhook dispatcher. It carries no events itself;
/// readers always read the log, so a missed ring costs latency, never an event.
final class EventHub: Sendable {
    private struct State {
        var listeners: [UUID: [ObjectIdentifier: WakeSignal]] = [:]
        /// Open streams per tenant, for its cap.
        var streams: [UUID: Int] = [:]
    }

    private let state = Mutex(State())
    /// Rung for every new event; the webhook dispatcher waits on it.
    let dispatcherSignal = WakeSignal()

    /// New events of `instanceID` are committed.
    func published(_ instanceID: UUID) {
        dispatcherSignal.ring()
        let signals = state.withLock { Array(($0.listeners[instanceID] ?? [:]).values) }
        for signal in signals { signal.ring() }
    }

    /// Rings `signal` whenever `instanceID` has new events, until `stopListening`: a stream of
    /// `tenantID`'s, unless it has `limit` open already (then false, and nothing changes).
    func listen(_ instanceID: UUID, tenantID: UUID, limit: Int, with signal: WakeSignal) -> Bool {
        state.withLock { state in
            guard state.streams[tenantID, default: 0] < limit else { return false }
            state.streams[tenantID, default: 0] += 1
            state.listeners[instanceID, default: [:]][ObjectIdentifier(signal)] = signal
            return true
        }
    }

    func stopListening(_ instanceID: UUID, tenantID: UUID, with signal: WakeSignal) {
        state.withLock { state in
            guard state.listeners[instanceID]?.removeValue(forKey: ObjectIdentifier(signal)) != nil else {
                return
            }
            if state.listeners[instanceID]?.isEmpty == true { state.listeners[instanceID] = nil }
            state.streams[tenantID, default: 1] -= 1
            if state.streams[tenantID] == 0 { state.streams[tenantID] = nil }
        }
    }
}
