import Foundation
import ZapgateEngine
import ZapgateMessaging
import ZapgateProtocol
import ZapgateStore
import ZapgateWire

extension InstanceRuntime {
    /// How many times a message is tried before it fails. A try cut short by a crash counts
    /// too (it cannot be told apart from a message that crashes the gateway), so the limit is
    /// far above what a run of crashes and restarts uses up: such a message must still go.
    static let maximumAttempts = 100

    /// Sends queued messages in the order they were accepted while the instance is connected,
    /// and sleeps until woken (connected again, a new message) when there is nothing it can do.
    func sendLoop(_ session: DeviceSession, wake: AsyncStream<Void>) async {
        var wakes = wake.makeAsyncIterator()
        var failures = 0
        while !Task.isCancelled {
            if status == .connected {
                switch await drainQueue(session) {
                case .empty, .disconnected:
                    failures = 0
                case .transientFailure:
                    // Try again after a pause, or sooner if something wakes us.
                    failures += 1
                    let delay = Backoff.delay(
                        attempt: failures - 1, initial: .milliseconds(500), maximum: .seconds(30))
                    Task { [weak self] in
                        try? await Task.sleep(for: delay)
                        await self?.wake()
                    }
                }
            }
            guard await wakes.next() != nil else { return }
        }
    }

    enum DrainOutcome {
        case empty
        case disconnected
        case transientFailure
    }

    private func drainQueue(_ session: DeviceSession) async -> DrainOutcome {
        while !Task.isCancelled {
            guard status == .connected else { return .disconnected }
            let batch: [MessageRecord]
            do { batch = try await store.queuedMessages(instanceID: id, limit: 32) } catch {
                logger.error("could not read the send queue", metadata: ["error": "\(error)"])
                return .transientFailure
            }
            if batch.isEmpty { return .empty }
            for record in batch {
                guard status == .connected, !Task.isCancelled else { return .disconnected }
                if await !send(record, through: session) { return .transientFailure }
            }
        }
        return .disconnected
    }

    /// Sends one message; false when it should be tried again later.
    private func send(_ record: MessageRecord, through session: DeviceSession) async -> Bool {
        do {
            let attempts = try await store.countAttempt(instanceID: id, id: record.id)
            guard attempts <= Self.maximumAttempts else {
                try await advance(
                    [record.id], to: .failed, reason: "gave up after \(Self.maximumAttempts) attempts")
                return true
            }
        } catch {
            logger.error("could not count a send attempt", metadata: ["error": "\(error)"])
            return false
        }
        do {
            guard let request = record.request.flatMap(OutboundRequest.decode) else {
                throw SendFailure.permanent("the stored request is unreadable")
            }
            let chat = try JID(parsing: request.to)
            let message = try await build(request, session: session)
            _ = try await session.send(message, to: chat, id: record.id)
            try await advance([record.id], to: .sent)
            environment.metrics.sent(instance: id)
            return true
        } catch let failure as SendFailure {
            switch failure {
            case .permanent(let reason):
                logger.info("message failed", metadata: ["id": "\(record.id)", "reason": "\(reason)"])
                _ = try? await advance([record.id], to: .failed, reason: reason)
                environment.metrics.failed(instance: id)
                return true
            case .transient(let reason):
                logger.notice(
                    "send will be retried", metadata: ["id": "\(record.id)", "reason": "\(reason)"])
                return false
            }
        } catch let error as EngineError {
            let failure = SendFailure(error)
            if case .permanent(let reason) = failure {
                _ = try? await advance([record.id], to: .failed, reason: reason)
                environment.metrics.failed(instance: id)
                return true
            }
            logger.notice("send will be retried", metadata: ["id": "\(record.id)", "reason": "\(error)"])
            return false
        } catch {
            _ = try? await advance([record.id], to: .failed, reason: "\(error)")
            environment.metrics.failed(instance: id)
            return true
        }
    }
}

/// Whether a failed send is worth another try.
enum SendFailure: Error {
    case permanent(String)
    case transient(String)

    init(_ error: EngineError) {
        switch error {
        case .notConnected, .timeout, .connectionClosed, .store:
            self = .transient(error.description)
        case .iqFailed(let code, _) where code >= 500:
            self = .transient(error.description)
        case .media(let media):
            switch media {
            case .noMediaHost, .transport: self = .transient(error.description)
            case .httpStatus(let status) where status >= 500 || status == 429:
                self = .transient(error.description)
            default: self = .permanent(error.description)
            }
        default:
            self = .permanent(error.description)
        }
    }
}
