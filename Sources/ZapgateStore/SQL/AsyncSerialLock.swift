import Synchronization

/// A lock for async code: one holder at a time, waiters served in arrival order. A connection
/// is guarded by one so that a transaction's statements never interleave with another's.
///
/// Waiting is not cancellable: a holder only ever runs a bounded piece of database work, and
/// a cancelled waiter that left the queue would have to be told apart from one being resumed.
final class AsyncSerialLock: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    init() {}

    func lock() async {
        let acquired = state.withLock { state in
            guard !state.held else { return false }
            state.held = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                // Released between the first look and here: take it without queueing.
                guard state.held else {
                    state.held = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Hands the lock to the longest waiter, or frees it.
    func unlock() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.nextWaiter < state.waiters.count else {
                state.waiters.removeAll(keepingCapacity: true)
                state.nextWaiter = 0
                state.held = false
                return nil
            }
            let next = state.waiters[state.nextWaiter]
            state.nextWaiter += 1
            // Under constant load the queue never drains; drop the served prefix now and then
            // so it does not grow without bound.
            if state.nextWaiter >= 64, state.nextWaiter * 2 >= state.waiters.count {
                state.waiters.removeFirst(state.nextWaiter)
                state.nextWaiter = 0
            }
            return next
        }
        next?.resume()
    }

    /// Runs `body` holding the lock.
    func withLock<T, E: Error>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        await lock()
        defer { unlock() }
        return try await body()
    }
}
