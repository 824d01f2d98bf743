import Foundation
import ZapgateStore

/// How events are delivered: the timeout of one webhook attempt, the backoff between attempts,
/// how long a delivery is retried before it is parked, which targets are allowed, and how many
/// webhooks and live streams one tenant may have.
public struct WebhookSettings: Sendable {
    /// How long one attempt may take, connecting included.
    public var attemptTimeout: Duration
    /// The wait before the second attempt; it doubles with each failure, up to `maximumBackoff`.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// How long a delivery is retried, counted from the event (or its replay); then it is parked.
    public var horizon: Duration
    /// Allows targets on loopback, private, link-local and other non-public addresses (for
    /// receivers on the same host or network, and the tests).
    public var allowPrivateTargets: Bool
    /// How long events, finished deliveries and attempts are kept.
    public var eventRetention: Duration
    /// How many webhook subscriptions one tenant may have.
    public var webhooksPerTenant: Int
    /// How many live event streams (SSE and WebSocket together) one tenant may keep open.
    public var streamsPerTenant: Int

    public init(
        attemptTimeout: Duration = .seconds(10), initialBackoff: Duration = .seconds(5),
        maximumBackoff: Duration = .seconds(3600), horizon: Duration = .seconds(3 * 86400),
        allowPrivateTargets: Bool = false, eventRetention: Duration = .seconds(7 * 86400),
        webhooksPerTenant: Int = 25, streamsPerTenant: Int = 20
    ) {
        self.webhooksPerTenant = webhooksPerTenant
        self.streamsPerTenant = streamsPerTenant
        self.attemptTimeout = attemptTimeout
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.horizon = horizon
        self.allowPrivateTargets = allowPrivateTargets
        self.eventRetention = eventRetention
    }

    /// What to do after an attempt that got `statusCode` (nil: no answer), the `roundAttempts`th
    /// of a round that began at `roundStartedAt`.
    func outcome(statusCode: Int?, roundAttempts: Int, roundStartedAt: Date, now: Date = Date())
        -> DeliveryOutcome
    {
        if let statusCode, (200..<300).contains(statusCode) { return .delivered }
        // 410 Gone: the receiver says this endpoint is no more; retrying would only annoy it.
        if statusCode == 410 { return .parked }
        let deadline = roundStartedAt.addingTimeInterval(horizon.seconds)
        if now >= deadline { return .parked }
        let exponent = min(max(roundAttempts - 1, 0), 30)
        let backoff = min(initialBackoff.seconds * pow(2, Double(exponent)), maximumBackoff.seconds)
        // Jitter spreads the retries of many deliveries that failed together.
        let wait = backoff * Double.random(in: 0.5...1.0)
        return .retry(at: min(now.addingTimeInterval(wait), deadline))
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
