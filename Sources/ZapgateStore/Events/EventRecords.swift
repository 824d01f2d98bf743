import Foundation

/// An event about to be appended: its number is given when it is stored.
public struct NewEvent: Sendable {
    public var tenantID: UUID
    public var instanceID: UUID
    /// `message.received`, `message.status`, `instance.status`, …
    public var type: String
    /// The event's `data`, as JSON.
    public var data: Data
    public var createdAt: Date

    public init(tenantID: UUID, instanceID: UUID, type: String, data: Data, createdAt: Date = Date()) {
        self.tenantID = tenantID
        self.instanceID = instanceID
        self.type = type
        self.data = data
        self.createdAt = createdAt
    }
}

/// An event as stored: numbered within its instance, with the exact bytes every webhook and
/// stream client receives.
public struct EventRecord: Sendable, Equatable {
    public var instanceID: UUID
    public var seq: Int64
    public var tenantID: UUID
    public var type: String
    /// The whole event as JSON (`id`, `seq`, `instanceId`, `type`, `createdAt`, `data`).
    public var payload: String
    public var createdAt: Date

    /// The id receivers deduplicate by: the instance and the number.
    public var id: String { Self.id(instanceID: instanceID, seq: seq) }

    public static func id(instanceID: UUID, seq: Int64) -> String {
        "\(instanceID.uuidString.lowercased()):\(seq)"
    }
}

/// Which event types a subscription or stream wants: exact names, `prefix.*`, or `*`.
public struct EventFilter: Sendable, Equatable {
    public var patterns: [String]

    public init(_ patterns: [String]) {
        self.patterns = patterns.isEmpty ? ["*"] : patterns
    }

    /// Reads the comma-separated form the database keeps.
    public init(stored: String) {
        self.init(stored.split(separator: ",").map(String.init))
    }

    public var stored: String { patterns.joined(separator: ",") }

    public func matches(_ type: String) -> Bool {
        patterns.contains { pattern in
            if pattern == "*" { return true }
            if pattern.hasSuffix(".*") { return type.hasPrefix(pattern.dropLast()) }
            return pattern == type
        }
    }
}

/// A webhook subscription: where a tenant's events go, which ones, signed with which secret.
public struct WebhookRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    /// Only this instance's events; nil for every instance of the tenant.
    public var instanceID: UUID?
    public var url: String
    public var filter: EventFilter
    public var description: String?
    /// Sealed by the gateway; the store never sees it in the clear.
    public var sealedSecret: Data
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, tenantID: UUID, instanceID: UUID?, url: String, filter: EventFilter, description: String?,
        sealedSecret: Data, enabled: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.instanceID = instanceID
        self.url = url
        self.filter = filter
        self.description = description
        self.sealedSecret = sealedSecret
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether an event of `instanceID` of this type goes to this subscription.
    public func wants(instanceID: UUID, type: String) -> Bool {
        enabled && (self.instanceID == nil || self.instanceID == instanceID) && filter.matches(type)
    }
}

/// Where one event's delivery to one subscription stands.
public enum DeliveryState: String, Sendable, Equatable {
    /// Not yet answered with 2xx; tried at `nextAttemptAt`.
    case pending
    /// Answered with 2xx; never sent again unless replayed.
    case delivered
    /// Given up on (410 Gone, or still failing after the retry horizon); waits for a replay.
    case parked
}

/// One event's delivery to one subscription.
public struct DeliveryRecord: Sendable, Equatable {
    public var webhookID: UUID
    public var instanceID: UUID
    public var seq: Int64
    public var eventType: String
    public var state: DeliveryState
    /// Attempts made, in all.
    public var attempts: Int
    /// Attempts made since the current round began; the backoff grows with these.
    public var roundAttempts: Int
    /// When the current round of tries began (the event's arrival, or its replay); the retry
    /// horizon counts from here.
    public var roundStartedAt: Date
    public var nextAttemptAt: Date
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var parkedAt: Date?
    public var updatedAt: Date

    public var eventID: String { EventRecord.id(instanceID: instanceID, seq: seq) }
}

/// One HTTP attempt of a delivery.
public struct DeliveryAttempt: Sendable, Equatable {
    public var attempt: Int
    public var startedAt: Date
    /// The receiver's status code; nil when no answer came (timeout, refused connection).
    public var statusCode: Int?
    public var error: String?
    public var latency: Duration

    public init(attempt: Int, startedAt: Date, statusCode: Int?, error: String?, latency: Duration) {
        self.attempt = attempt
        self.startedAt = startedAt
        self.statusCode = statusCode
        self.error = error
        self.latency = latency
    }
}

/// A pending delivery ready to go, with the event it carries.
public struct DueDelivery: Sendable {
    public var delivery: DeliveryRecord
    /// Nil when the event was pruned (a replay raced the pruning); the delivery is parked.
    public var event: EventRecord?
}

/// The head of one (subscription, instance) lane: deliveries go out in event order, one at a
/// time, so only the lowest pending one is due.
public struct DeliveryLane: Sendable, Hashable {
    public var webhookID: UUID
    public var instanceID: UUID

    public init(webhookID: UUID, instanceID: UUID) {
        self.webhookID = webhookID
        self.instanceID = instanceID
    }
}
