import Synchronization

/// A doorbell for one waiter: `ring` wakes the waiter, or the next `wait` if nobody is
/// waiting yet, so a ring between two waits is never missed.
final class WakeSignal: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next ring, when `timeout` has passed, or when the task is cancelled.
    func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Cancelled once the wait is over: it must not ring then, or the next wait
                // would return at once.
                do { try await Task.sleep(for: timeout) } catch { return }
                self.ring()
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                self.ring()
            }
            group.cancelAll()
        }
        // A timer that fired just as a ring woke us may leave one ring behind; it costs one
        // spare look, once.
    }
}
