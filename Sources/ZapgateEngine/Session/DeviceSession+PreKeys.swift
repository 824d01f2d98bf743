import Foundation
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

extension DeviceSession {
    /// Asks the server how many of our one-time prekeys it still holds and uploads more when
    /// few are left: the full initial batch for a device that never uploaded, a refill after.
    /// A failed attempt is retried with backoff while the connection lives: a device without
    /// prekeys on the server cannot be messaged by anyone new.
    func topUpPreKeys() async {
        // One top-up at a time: a count notification arriving during the login's own top-up
        // would otherwise hand out the same ids twice.
        guard let generation = link?.generation, !preKeyTopUpRunning else { return }
        preKeyTopUpRunning = true
        defer { preKeyTopUpRunning = false }
        var attempt = 0
        while link?.generation == generation {
            do {
                try await topUpPreKeysOnce()
                return
            } catch {
                logger.warning(
                    "prekey top-up failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            }
            let delay = Backoff.delay(
                attempt: attempt, initial: configuration.reconnectInitialDelay * 5,
                maximum: configuration.reconnectMaximumDelay * 5)
            attempt += 1
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    private func topUpPreKeysOnce() async throws(EngineError) {
        let answer = try await query(type: "get", xmlns: "encrypt", children: [BinaryNode(tag: "count")])
        guard let count = answer.child("count").flatMap({ try? $0.optionalInteger("value", as: Int.self) })
        else {
            throw .protocolViolation("prekey count answer has no value")
        }
        guard count < configuration.minimumServerPreKeys else { return }
        let local = try await store.preKeyCount()
        let wanted =
            count == 0 && local == 0 ? configuration.initialPreKeyCount : configuration.refillPreKeyCount
        try await uploadPreKeys(count: wanted)
    }

    /// Generates `count` prekeys from the next free id, stores them, then uploads them. The
    /// ids are reserved before the first suspension, and the private halves are stored before
    /// the upload: a key the server hands out must be one we can use.
    func uploadPreKeys(count: Int) async throws(EngineError) {
        let records = try await generatePreKeys(count: count)
        unuploadedPreKeys = records
        try await upload(records)
    }

    /// Generates `count` prekeys from the next free id and stores them (the ids reserved
    /// before any suspension).
    func generatePreKeys(count: Int) async throws(EngineError) -> [PreKeyRecord] {
        guard var updated = credentials else { throw .notLinked }
        let records = SignalKeys.generatePreKeys(start: updated.nextPreKeyID, count: count)
        if let last = records.last {
            updated.nextPreKeyID = last.id % SignalKeys.maximumPreKeyID + 1
        }
        credentials = updated
        try await save(updated)
        try await store.savePreKeys(records)
        return records
    }

    private func upload(_ records: [PreKeyRecord]) async throws(EngineError) {
        guard let current = credentials else { throw .notLinked }
        let upload = PreKeyUpload(
            registrationID: current.registrationID,
            identityKey: current.identityKey.publicKey,
            preKeys: records.map { PreKeyUpload.Key(id: $0.id, publicKey: $0.keyPair.publicKey) },
            signedPreKey: PreKeyUpload.Key(
                id: current.signedPreKey.id, publicKey: current.signedPreKey.keyPair.publicKey,
                signature: current.signedPreKey.signature))
        _ = try await query(type: "set", xmlns: "encrypt", children: upload.requestChildren)
        unuploadedPreKeys = []
        logger.debug("uploaded prekeys", metadata: ["count": "\(records.count)"])
    }
}
