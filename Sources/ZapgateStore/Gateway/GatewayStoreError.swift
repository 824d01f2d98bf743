/// What the gateway's records refuse, as distinct from the database failing.
public enum GatewayStoreError: Error, Sendable, Equatable {
    /// The database failed.
    case store(StoreError)
    /// A name is taken (tenants are unique by name).
    case duplicate(String)
    /// The tenant's plan allows no more instances.
    case instanceQuotaExceeded(limit: Int)
    /// The tenant has as many webhook subscriptions as the gateway allows one tenant.
    case webhookQuotaExceeded(limit: Int)
    /// Too many QR or pairing-code attempts in the last hour.
    case linkAttemptsExceeded(limit: Int, retryAfterSeconds: Int)
    /// The same Idempotency-Key came with a different request.
    case idempotencyConflict
    /// A plan that does not exist.
    case unknownPlan(String)
    /// A pagination cursor we did not hand out.
    case invalidCursor
}
