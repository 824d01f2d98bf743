import Foundation

extension LineProcess {
    /// The first unread stdout line `matching` accepts, once it is printed; it and the lines
    /// before it count as read. Throws if stdout ends (the process exits) first or the
    /// deadline passes; `what` names the line in that failure.
    public func nextLine(
        waitingFor what: String = "a line", timeout: Duration,
        matching: (String) -> Bool = { _ in true }
    ) async throws(Failure) -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            switch output.take(matching) {
            case .line(let line):
                return line
            case .ended:
                // Stdout closes a moment before the exit is seen; past the deadline it is a
                // process that closed stdout and kept running.
                let status = await exitStatus(timeout: max(deadline - .now, .zero))
                let reason: Failure.Reason = status.map { .exited(status: $0) } ?? .timedOut
                throw Failure(reason: reason, waitingFor: what, stderr: stderrText)
            case .none(let changes):
                guard ContinuousClock.now < deadline else {
                    throw Failure(reason: .timedOut, waitingFor: what, stderr: stderrText)
                }
                await output.waitForChange(since: changes, until: deadline)
            }
        }
    }

    /// Waits for the process to exit and returns its status (the signal's number if a signal
    /// ended it); nil if it is still running at the deadline.
    public func exitStatus(timeout: Duration) async -> Int32? {
        await poll(timeout: timeout) { !process.isRunning } ? process.terminationStatus : nil
    }

    /// Whether stderr shows `text` within `timeout`; stderr is read as it arrives, so it may
    /// trail the process's exit a little.
    public func stderr(contains text: String, within timeout: Duration) async -> Bool {
        await poll(timeout: timeout) { stderrText.contains(text) }
    }

    /// Checks `condition` every 20 ms until it holds (true) or the deadline passes (false).
    private func poll(timeout: Duration, until condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}
