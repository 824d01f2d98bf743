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
    private var stopping = false
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
        await withTaskGroup(of: Void.self) { group in
            while !stopping, !Task.isCancelled {
                var wait: Duration = .seconds(30)
                do {
                    let now = Date()
                    for (lane, due) in try await store.pendingLanes() where !active.contains(lane) {
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
                await hub.dispatcherSignal.wait(upTo: wait)
            }
            await group.waitForAll()
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
    /// its retry), or the dispatcher stops.
    private func drain(_ lane: DeliveryLane) async {
        defer { finished(lane) }
        let hook: WebhookRecord
        let secret: WebhookSecret
        do {
            guard let found = try await store.webhook(lane.webhookID), found.enabled else { return }
            hook = found
            secret = try WebhookSecret.open(hook.sealedSecret, by: secrets, webhookID: hook.id)
        } catch {
            logger.error(
                "could not load a webhook", metadata: ["webhook": "\(lane.webhookID)", "error": "\(error)"])
            return
        }
        while !stopping {
            let batch: [DueDelivery]
            do { batch = try await store.pendingDeliveries(lane, limit: 64) } catch {
                logger.error("could not read deliveries", metadata: ["error": "\(error)"])
                return
            }
            if batch.isEmpty { return }
            for due in batch {
                if stopping || due.delivery.nextAttemptAt > Date() { return }
                guard await attempt(due, hook: hook, secret: secret) else { return }
            }
        }
    }

    /// Makes one attempt and records it; returns whether the lane may go on to the next event
    /// (delivered, or parked and out of the way).
    private func attempt(_ due: DueDelivery, hook: WebhookRecord, secret: WebhookSecret) async -> Bool {
        let delivery = due.delivery
        let number = delivery.attempts + 1
        let result = await sender.send(
            due.event.payload, eventID: due.event.id, eventType: due.event.type, attempt: number,
            to: hook.url,
            secret: secret)
        let outcome = settings.outcome(
            statusCode: result.statusCode, roundAttempts: delivery.roundAttempts + 1,
            roundStartedAt: delivery.roundStartedAt)
        metrics.webhookAttempt(outcome: outcome, latency: result.latency)
        if outcome == .delivered {
            metrics.webhookDelivered(lag: Date().timeIntervalSince(due.event.createdAt))
        }
        do {
            try await store.recordAttempt(
                DeliveryAttempt(
                    attempt: number, startedAt: result.startedAt, statusCode: result.statusCode,
                    error: result.error,
                    latency: result.latency),
                of: delivery, outcome: outcome)
        } catch {
            // Not recorded: it stays pending and goes again, which a receiver deduplicates by
            // its webhook-id.
            if !Task.isCancelled {
                logger.error("could not record a delivery attempt", metadata: ["error": "\(error)"])
            }
            return false
        }
        switch outcome {
        case .delivered:
            return true
        case .parked:
            logger.warning(
                "a webhook delivery was parked",
                metadata: [
                    "webhook": "\(hook.id)", "event": "\(due.event.id)", "attempts": "\(number)",
                    "last": "\(result.error ?? "")",
                ])
            return true
        case .retry:
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
