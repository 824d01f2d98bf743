import Foundation
import ZapgateProtocol
import ZapgateWire

extension DeviceSession {
    /// A fresh request id: a random prefix per session and a counter, like the web client's.
    func nextIQID() -> String {
        iqCounter += 1
        return iqPrefix + String(iqCounter)
    }

    /// Sends an `<iq>` and waits for its `result`; an `error` answer throws
    /// ``EngineError/iqFailed(code:text:)``.
    func query(
        type: String,
        xmlns: String,
        to: JID = .whatsAppServer,
        children: [BinaryNode] = [],
        timeout: Duration? = nil,
        onSuccessCloseMeans: ConnectionEnd? = nil
    ) async throws(EngineError) -> BinaryNode {
        let id = nextIQID()
        if let onSuccessCloseMeans { closeMeansOnSuccess[id] = onSuccessCloseMeans }
        defer { closeMeansOnSuccess[id] = nil }
        let request = BinaryNode.iq(id: id, type: type, xmlns: xmlns, to: to, children: children)
        let answer = try await roundTrip(request, id: id, timeout: timeout, label: "<iq xmlns=\(xmlns)>")
        if let details = answer.iqErrorDetails { throw .iqFailed(code: details.code, text: details.text) }
        return answer
    }

    /// Sends `request` and waits for the stanza that answers it by `id` (an `<iq>` result or
    /// error, or the server's `<ack>` of a message).
    func roundTrip(
        _ request: BinaryNode, id: String, timeout: Duration? = nil, label: String
    ) async throws(EngineError) -> BinaryNode {
        guard let generation = link?.generation, link?.end == nil else { throw .notConnected }
        roundTripDeadlines[id] = (ContinuousClock.now + (timeout ?? configuration.iqTimeout), label)
        do {
            return try await withCheckedThrowingContinuation { continuation in
                pendingIQs[id] = continuation
                startJob { [weak self] in
                    do {
                        try await self?.sendIfCurrent(request, generation: generation)
                    } catch {
                        await self?.resolveIQ(id: id, with: .failure(error))
                    }
                }
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw .connectionClosed
        }
    }

    private func sendIfCurrent(_ node: BinaryNode, generation: Int) async throws(EngineError) {
        guard link?.generation == generation else { throw .connectionClosed }
        try await send(node)
    }

    /// Hands an answer (or a failure) to whoever waits for `id`.
    func resolveIQ(id: String, with result: Result<BinaryNode, any Error>) {
        roundTripDeadlines[id] = nil
        guard let continuation = pendingIQs.removeValue(forKey: id) else { return }
        continuation.resume(with: result)
    }

    /// Fails the requests whose answers are overdue; one loop per connection instead of a
    /// sleeping task per request.
    func expireRoundTrips(generation: Int) async {
        while link?.generation == generation {
            do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
            let now = ContinuousClock.now
            for (id, deadline) in roundTripDeadlines where deadline.at <= now {
                resolveIQ(id: id, with: .failure(EngineError.timeout(deadline.label)))
            }
        }
    }

    func failPendingIQs(with error: EngineError) {
        let waiting = pendingIQs
        pendingIQs = [:]
        roundTripDeadlines = [:]
        for continuation in waiting.values { continuation.resume(throwing: error) }
    }
}
