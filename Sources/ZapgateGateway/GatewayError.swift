import ZapgateStore

/// Why the gateway refused a request, each with a stable problem type (RFC 9457) a client can
/// act on. docs/api.md lists them.
public enum GatewayError: Error, Sendable, Equatable {
    case unauthorized
    case forbidden(String)
    case notFound(String)
    /// An input broke a rule; `field` names it.
    case validation(field: String, detail: String)
    case malformedBody(String)
    case bodyTooLarge(limit: Int)
    case conflict(String)
    /// A cap on what a tenant may have (instances by its plan, webhooks by the gateway).
    case quotaExceeded(String)
    case rateLimited(limit: Int, retryAfterSeconds: Int)
    /// The tenant has as many live event streams open as the gateway allows one tenant.
    case tooManyStreams(limit: Int)
    case notLinked
    case alreadyLinked
    case noQR(String)
    case idempotencyConflict
    case mediaTooLarge(limit: Int)
    case mediaFetchFailed(String)
    case unsupportedMediaType(String)
    case notAcceptable(String)
    /// A dependency (the database, the WhatsApp connection) cannot serve now; try later.
    case unavailable(String)
    /// Starting up, or the database is unreachable (`/ready`).
    case notReady(String)
    case `internal`(String)

    /// The problem's `type` slug, HTTP status and title.
    public var problem: (slug: String, status: Int, title: String) {
        switch self {
        case .unauthorized: ("unauthorized", 401, "Missing or invalid API key")
        case .forbidden: ("forbidden", 403, "Not allowed with this key")
        case .notFound: ("not-found", 404, "Not found")
        case .validation: ("validation-failed", 400, "Invalid input")
        case .malformedBody: ("malformed-body", 400, "Malformed request")
        case .bodyTooLarge: ("body-too-large", 413, "Request body too large")
        case .conflict: ("conflict", 409, "Conflict")
        case .quotaExceeded: ("quota-exceeded", 403, "Quota exceeded")
        case .rateLimited: ("rate-limited", 429, "Too many link attempts")
        case .tooManyStreams: ("too-many-streams", 429, "Too many open event streams")
        case .notLinked: ("not-linked", 409, "Instance not linked")
        case .alreadyLinked: ("already-linked", 409, "Instance already linked")
        case .noQR: ("no-qr", 409, "No QR code showing")
        case .idempotencyConflict:
            ("idempotency-conflict", 409, "Idempotency-Key reused with another request")
        case .mediaTooLarge: ("media-too-large", 413, "Media too large")
        case .mediaFetchFailed: ("media-fetch-failed", 422, "Media could not be fetched")
        case .unsupportedMediaType: ("unsupported-media-type", 415, "Unsupported media type")
        case .notAcceptable: ("not-acceptable", 406, "Not acceptable")
        case .unavailable: ("unavailable", 503, "Temporarily unavailable")
        case .notReady: ("not-ready", 503, "Not ready")
        case .internal: ("internal", 500, "Internal error")
        }
    }

    /// The human explanation for this occurrence.
    public var detail: String {
        switch self {
        case .unauthorized: "Send a valid key as `Authorization: Bearer <key>`."
        case .forbidden(let why), .notFound(let why), .malformedBody(let why), .conflict(let why),
            .noQR(let why), .mediaFetchFailed(let why), .unsupportedMediaType(let why),
            .notAcceptable(let why), .quotaExceeded(let why),
            .unavailable(let why), .notReady(let why):
            why
        case .validation(_, let detail): detail
        case .bodyTooLarge(let limit): "The body is larger than \(limit) bytes."
        case .rateLimited(let limit, let wait):
            "The plan allows \(limit) QR or pairing-code attempts per hour; try again in \(wait) s."
        case .notLinked: "The instance has no linked WhatsApp account; connect it and scan the QR first."
        case .alreadyLinked: "The instance is linked already; log out first to link another phone."
        case .idempotencyConflict: "This Idempotency-Key was used for a different request."
        case .mediaTooLarge(let limit): "The media is larger than \(limit) bytes."
        case .tooManyStreams(let limit):
            "A tenant may keep \(limit) live event streams open at once; close one first."
        case .internal: "Something went wrong on our side; it has been logged."
        }
    }

    /// The input that was wrong, when one was.
    public var field: String? {
        if case .validation(let field, _) = self { return field }
        return nil
    }
}

extension GatewayError {
    /// The records' refusals in API terms.
    init(_ error: GatewayStoreError) {
        switch error {
        case .store(let error): self = .unavailable("the database failed: \(error)")
        case .duplicate(let name): self = .conflict("'\(name)' is taken.")
        case .instanceQuotaExceeded(let limit):
            self = .quotaExceeded("The tenant's plan allows \(limit) instance(s); delete one or change plan.")
        case .webhookQuotaExceeded(let limit):
            self = .quotaExceeded("A tenant may have \(limit) webhooks; delete one first.")
        case .linkAttemptsExceeded(let limit, let wait):
            self = .rateLimited(limit: limit, retryAfterSeconds: wait)
        case .idempotencyConflict: self = .idempotencyConflict
        case .unknownPlan(let plan):
            self = .validation(field: "plan", detail: "There is no plan called '\(plan)'.")
        case .invalidCursor:
            self = .validation(field: "cursor", detail: "This cursor was not handed out by us.")
        }
    }
}
