import Foundation
import Logging
import ZapgateStore

/// Delivers the event log to webhook subscribers. Each lane (one subscription, one instance)
/// goes out in event order, one request at a time; lanes run side by side. Everything it
/// knows is in the database, so after a crash it carries on where the last recorded answer
/// left off.
actor WebhookDispatcher {
    let store: GatewayStore
    let secrets: SecretBox
    let settings: WebhookSettings
    let sender: WebhookSender
    let hub: EventHub
    let metrics: GatewayMetrics
    let logger: Logger
    private var active: Set<DeliveryLane> = []
    /// Lanes that failed for a reason of ours (the database, an unreadable secret), and when
    /// to look at them again, so a broken lane is not retried in a tight loop.
    private var coolingDown: [DeliveryLane: Date] = [:]
    private var stopping = false
    /// How long a lane rests after such a failure.
    private let cooldown: TimeInterval = 5
    /// How often the log is pruned of what is older than the retention.
    private let pruneInterval: Duration = .seconds(3600)

    init(
        store: GatewayStore, secrets: SecretBox, settings: WebhookSettings, sender: WebhookSender,
        hub: EventHub,
        metrics: GatewayMetrics, logger: Logger
    ) {
        self.store = store
        self.secrets = secrets
        self.settings = settings
        self.sender = sender
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs until ``stop()``; then lets each lane finish the attempt it is making, so an
    /// answer that came is recorded, and returns.
    func run() async {
        var lastPrune = ContinuousClock.now - pruneInterval
        await withDiscardingTaskGroup { group in
            while !stopping, !Task.isCancelled {
                var wait: Duration = .seconds(30)
                var rest: Duration = .zero
                do {
                    let now = Date()
                    coolingDown = coolingDown.filter { $0.value > now }
                    let scanStart = ContinuousClock.now
                    let lanes = try await store.pendingLanes()
                    let scan = ContinuousClock.now - scanStart
                    // Every new event rings; when the look at all pending deliveries is slow (a
                    // receiver down for days leaves millions), rest between looks so it takes at
                    // most a tenth of the time. Lanes already draining are not slowed by this.
                    if scan > .milliseconds(5) { rest = scan * 9 }
                    for (lane, head) in lanes where !active.contains(lane) {
                        let due = max(head, coolingDown[lane] ?? head)
                        if due <= now {
                            active.insert(lane)
                            group.addTask { await self.drain(lane) }
                        } else {
                            wait = min(wait, .milliseconds(Int64(due.timeIntervalSince(now) * 1000) + 1))
                        }
                    }
                } catch {
                    // Cancelled with the gateway: nothing is wrong, it is just over.
                    if Task.isCancelled { break }
                    logger.error("could not read the pending deliveries", metadata: ["error": "\(error)"])
                    wait = .seconds(1)
                }
                if ContinuousClock.now - lastPrune >= pruneInterval {
                    lastPrune = ContinuousClock.now
                    await prune()
                }
                if rest > .zero, !stopping {
                    try? await Task.sleep(for: rest)
                    wait = max(wait - rest, .zero)
                }
                await hub.dispatcherSignal.wait(upTo: wait)
            }
        }
    }

    /// Asks ``run()`` to return once the attempts under way are recorded.
    func stop() {
        stopping = true
        hub.dispatcherSignal.ring()
    }

    private func finished(_ lane: DeliveryLane) {
        active.remove(lane)
        hub.dispatcherSignal.ring()
    }

    /// Sends a lane's pending deliveries in order until it is empty, one fails (it waits for
    /// its retry), or the dispatcher stops. The subscription is read again for every batch, so
    /// a change of URL or secret, or a pause, takes effect within a few deliveries.
    private func drain(_ lane: DeliveryLane) async {
        defer { finished(lane) }
        while !stopping {
            let hook: WebhookRecord
            let secret: WebhookSecret
            let batch: [DueDelivery]
            do {
                guard let found = try await store.webhook(lane.webhookID), found.enabled else { return }
                hook = found
                secret = try WebhookSecret.open(hook.sealedSecret, by: secrets, webhookID: hook.id)
                batch = try await store.pendingDeliveries(lane, limit: 16)
            } catch {
                logger.error(
                    "could not load a webhook's deliveries",
                    metadata: ["webhook": "\(lane.webhookID)", "error": "\(error)"])
                rest(lane)
                return
            }
            if batch.isEmpty { return }
            for due in batch {
                if stopping || due.delivery.nextAttemptAt > Date() { return }
                guard await attempt(due, hook: hook, secret: secret) else { return }
            }
        }
    }

    private func rest(_ lane: DeliveryLane) {
        coolingDown[lane] = Date().addingTimeInterval(cooldown)
    }

    /// Makes one attempt and records it; returns whether the lane may go on to the next event
    /// (delivered, or parked and out of the way).
    private func attempt(_ due: DueDelivery, hook: WebhookRecord, secret: WebhookSecret) async -> Bool {
        let delivery = due.delivery
        let number = delivery.attempts + 1
        guard let event = due.event else {
            // Its event is gone (pruned while a replay queued it): nothing to send, and the
            // lane must not wait on it.
            return await record(
                DeliveryAttempt(
                    attempt: number, startedAt: Date(), statusCode: nil,
                    error: "the event is no longer stored",
                    latency: .zero), of: delivery, outcome: .parked)
        }
        let result = await sender.send(
            event.payload, eventID: event.id, eventType: event.type, attempt: number, to: hook.url,
            secret: secret)
        let outcome =
            result.refused
            ? .parked
            : settings.outcome(
                statusCode: result.statusCode, roundAttempts: delivery.roundAttempts + 1,
                roundStartedAt: delivery.roundStartedAt)
        let recorded = await record(
            DeliveryAttempt(
                attempt: number, startedAt: result.startedAt, statusCode: result.statusCode,
                error: result.error,
                latency: result.latency),
            of: delivery, outcome: outcome)
        guard recorded else { return false }
        metrics.webhookAttempt(outcome: outcome, latency: result.latency)
        if outcome == .delivered {
            metrics.webhookDelivered(lag: Date().timeIntervalSince(event.createdAt))
        }
        switch outcome {
        case .delivered:
            return true
        case .parked:
            logger.warning(
                "a webhook delivery was parked",
                metadata: [
                    "webhook": "\(hook.id)", "event": "\(event.id)", "attempts": "\(number)",
                    "last": "\(result.error ?? "")",
                ])
            return true
        case .retry:
            return false
        }
    }

    /// Records an attempt; false (and the lane rests) when that failed. Not recorded, the
    /// delivery stays pending and goes again, which a receiver deduplicates by its webhook-id.
    private func record(_ attempt: DeliveryAttempt, of delivery: DeliveryRecord, outcome: DeliveryOutcome)
        async
        -> Bool
    {
        do {
            try await store.recordAttempt(attempt, of: delivery, outcome: outcome)
            return true
        } catch {
            if !Task.isCancelled {
                logger.error("could not record a delivery attempt", metadata: ["error": "\(error)"])
                rest(DeliveryLane(webhookID: delivery.webhookID, instanceID: delivery.instanceID))
            }
            return false
        }
    }

    private func prune() async {
        let cutoff = Date().addingTimeInterval(-settings.eventRetention.seconds)
        do {
            let pruned = try await store.pruneEvents(before: cutoff)
            if pruned > 0 { logger.info("pruned old events", metadata: ["count": "\(pruned)"]) }
        } catch {
            logger.error("could not prune old events", metadata: ["error": "\(error)"])
        }
    }
}
