import Foundation
import ServiceLifecycle
import ZapgateStore

/// Reads one instance's event log from a position on and, at its end, waits for more. The
/// live streams (SSE and WebSocket) each hold one. It reads the log itself, never a copy in
/// memory, so a client that resumes from the last id it saw gets every later event, in order.
actor EventTail {
    let store: GatewayStore
    let hub: EventHub
    let instanceID: UUID
    let tenantID: UUID
    let filter: EventFilter
    private(set) var cursor: Int64
    private var buffered: [EventRecord] = []
    private let signal = WakeSignal()

    /// A tail for a stream of `tenantID`'s; refused when the tenant has `limit` open.
    init(
        store: GatewayStore, hub: EventHub, instanceID: UUID, tenantID: UUID, limit: Int, after cursor: Int64,
        filter: EventFilter
    ) throws(GatewayError) {
        self.store = store
        self.hub = hub
        self.instanceID = instanceID
        self.tenantID = tenantID
        self.cursor = cursor
        self.filter = filter
        // Listening before the first read: an event committed in between still rings.
        guard hub.listen(instanceID, tenantID: tenantID, limit: limit, with: signal) else {
            throw .tooManyStreams(limit: limit)
        }
    }

    deinit {
        hub.stopListening(instanceID, tenantID: tenantID, with: signal)
    }

    /// The next event; nil when `idle` passed without one (time for a keepalive).
    func next(idle: Duration) async throws -> EventRecord? {
        if buffered.isEmpty { try await fill() }
        if buffered.isEmpty {
            await signal.wait(upTo: idle)
            try Task.checkCancellation()
            try await fill()
        }
        return buffered.isEmpty ? nil : buffered.removeFirst()
    }

    private func fill() async throws {
        // A page the filter emptied entirely still moves the cursor; read on until something
        // matches or the log ends.
        while buffered.isEmpty {
            let page = try await store.events(
                instanceID: instanceID, after: cursor, filter: filter, limit: 100)
            let moved = page.lastSeen != cursor
            cursor = page.lastSeen
            buffered = page.events
            if !moved { return }
        }
    }
}

/// An event log as Server-Sent Events: `id`, `event` and `data` (the event's JSON on one line)
/// per event, and a comment line when nothing happened for a while, so proxies keep the
/// connection open.
struct ServerSentEvents: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>
    let tail: EventTail
    let keepalive: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        let tail: EventTail
        let keepalive: Duration
        var greeted = false

        mutating func next() async throws -> ArraySlice<UInt8>? {
            // A first comment at once, so the client sees the response start before any event.
            if !greeted {
                greeted = true
                return ArraySlice(": zapgate event stream\n\n".utf8)
            }
            // A stream never ends by itself; at shutdown it must, or the server would wait on it.
            let (tail, keepalive) = (tail, keepalive)
            guard let event = try await cancelWhenGracefulShutdown({ try await tail.next(idle: keepalive) })
            else {
                return ArraySlice(": keepalive\n\n".utf8)
            }
            return ArraySlice("id: \(event.seq)\nevent: \(event.type)\ndata: \(event.payload)\n\n".utf8)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(tail: tail, keepalive: keepalive) }
}
