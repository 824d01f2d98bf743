import Foundation
import Synchronization

/// What a ``LineProcess`` printed: stdout split into lines as it arrives, the tail of stderr,
/// and the readers suspended until more lines come.
///
/// A class of its own so the pipe handlers hold this rather than the process object, which
/// would otherwise stay alive (and its child running) until the child exits.
final class LineOutput: Sendable {
    /// A reader's wait for more output.
    private enum Wait {
        /// Registered, not yet suspended.
        case armed
        /// The deadline passed before the reader suspended.
        case expired
        case suspended(CheckedContinuation<Void, Never>)
    }

    private struct State {
        var partial = Data()
        var lines: [String] = []
        /// Lines before this index were returned or passed over by ``take(_:)``.
        var read = 0
        var finished = false
        /// Counts stdout events (new lines, end of file), so a reader can tell whether
        /// anything came while it was looking.
        var changes: UInt64 = 0
        var stderr = Data()
        var nextWaitID: UInt64 = 0
        var waits: [UInt64: Wait] = [:]
    }

    /// What ``take(_:)`` found.
    enum Taken {
        case line(String)
        /// No unread line matches and stdout has ended.
        case ended
        /// No unread line matches yet; pass `changes` to ``waitForChange(since:until:)``.
        case none(changes: UInt64)
    }

    private static let stderrLimit = 64 << 10

    private let state = Mutex(State())

    /// Every complete stdout line so far.
    var lines: [String] { state.withLock { $0.lines } }

    /// The last 64 KiB of stderr.
    var stderrText: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// The first unread line `matching` accepts, marking it and the lines before it as read.
    func take(_ matching: (String) -> Bool) -> Taken {
        state.withLock { stored in
            if let index = stored.lines[stored.read...].firstIndex(where: matching) {
                stored.read = index + 1
                return .line(stored.lines[index])
            }
            return stored.finished ? .ended : .none(changes: stored.changes)
        }
    }

    /// Adds a stdout chunk, splitting off complete lines; an empty chunk is end of file, which
    /// also ends an unterminated last line.
    func receiveStdout(_ chunk: Data) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { stored in
            let before = stored.lines.count
            if chunk.isEmpty {
                stored.finished = true
                if !stored.partial.isEmpty {
                    stored.lines.append(String(decoding: stored.partial, as: UTF8.self))
                    stored.partial = Data()
                }
            } else {
                stored.partial.append(chunk)
                while let newline = stored.partial.firstIndex(of: 0x0A) {
                    let line = stored.partial[stored.partial.startIndex..<newline]
                    stored.lines.append(String(decoding: line, as: UTF8.self))
                    stored.partial = Data(stored.partial[(newline + 1)...])
                }
            }
            guard chunk.isEmpty || stored.lines.count > before else { return [] }
            stored.changes += 1
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, wait) in stored.waits {
                if case .suspended(let continuation) = wait {
                    woken.append(continuation)
                    stored.waits[id] = nil
                }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Adds a stderr chunk, keeping only the tail.
    func receiveStderr(_ chunk: Data) {
        state.withLock { stored in
            stored.stderr.append(chunk)
            if stored.stderr.count > Self.stderrLimit {
                stored.stderr = Data(stored.stderr.suffix(Self.stderrLimit))
            }
        }
    }

    /// Returns once stdout changed after `changes` (as ``take(_:)`` reported it) or at the
    /// deadline, whichever comes first.
    func waitForChange(since changes: UInt64, until deadline: ContinuousClock.Instant) async {
        let id = state.withLock { stored in
            stored.nextWaitID += 1
            stored.waits[stored.nextWaitID] = .armed
            return stored.nextWaitID
        }
        let timer = Task {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            self.expire(id)
        }
        defer { timer.cancel() }
        await withCheckedContinuation { continuation in
            let suspended = state.withLock { stored in
                // The deadline or new output may have come between registering and here.
                guard case .armed = stored.waits[id], stored.changes == changes else {
                    stored.waits[id] = nil
                    return false
                }
                stored.waits[id] = .suspended(continuation)
                return true
            }
            if !suspended { continuation.resume() }
        }
    }

    private func expire(_ id: UInt64) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { stored in
            switch stored.waits[id] {
            case .armed:
                stored.waits[id] = .expired
                return nil
            case .suspended(let continuation):
                stored.waits[id] = nil
                return continuation
            case .expired, nil:
                return nil
            }
        }
        continuation?.resume()
    }
}
