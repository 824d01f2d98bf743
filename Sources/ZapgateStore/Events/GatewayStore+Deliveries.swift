import Foundation

/// What became of one delivery attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver answered 2xx.
    case delivered
    /// Try again at this time.
    case retry(at: Date)
    /// Stop trying until someone replays it.
    case parked
}

extension GatewayStore {
    /// Every lane (subscription × instance) with a pending delivery to an enabled subscription,
    /// and when its first pending delivery is due.
    public func pendingLanes() async throws(GatewayStoreError) -> [(lane: DeliveryLane, due: Date)] {
        let pending = DeliveryState.pending.rawValue
        return try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT d.webhook_id, d.instance_id, d.next_attempt_at FROM webhook_deliveries d
                JOIN (SELECT webhook_id, instance_id, MIN(seq) AS seq FROM webhook_deliveries WHERE state = \(pending)
                    GROUP BY webhook_id, instance_id) h
                    ON d.webhook_id = h.webhook_id AND d.instance_id = h.instance_id AND d.seq = h.seq
                JOIN webhooks w ON w.id = d.webhook_id AND w.enabled = 1
                """
            ).map { row throws(StoreError) in
                (
                    DeliveryLane(
                        webhookID: try row.uuid("webhook_id"), instanceID: try row.uuid("instance_id")),
                    try row.date("next_attempt_at")
                )
            }
        }
    }

    /// A lane's pending deliveries in event order, with their events (nil for one whose event
    /// is no longer stored).
    public func pendingDeliveries(_ lane: DeliveryLane, limit: Int) async throws(GatewayStoreError)
        -> [DueDelivery]
    {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT d.*, e.tenant_id, e.type, e.payload, e.created_at FROM webhook_deliveries d
                LEFT JOIN events e ON e.instance_id = d.instance_id AND e.seq = d.seq
                WHERE d.webhook_id = \(lane.webhookID) AND d.instance_id = \(lane.instanceID)
                    AND d.state = \(DeliveryState.pending.rawValue)
                ORDER BY d.seq LIMIT \(limit)
                """
            ).map { row throws(StoreError) in
                DueDelivery(
                    delivery: try DeliveryRecord(row: row),
                    event: try row.optionalString("payload") == nil ? nil : try EventRecord(row: row))
            }
        }
    }

    /// Records an attempt and what it decided, in one transaction. A delivery replayed while
    /// the attempt was under way keeps its new round: only the attempt is logged.
    public func recordAttempt(
        _ attempt: DeliveryAttempt, of delivery: DeliveryRecord, outcome: DeliveryOutcome, now: Date = Date()
    ) async throws(GatewayStoreError) {
        let (state, next): (DeliveryState, Date) =
            switch outcome {
            case .delivered: (.delivered, delivery.nextAttemptAt)
            case .parked: (.parked, delivery.nextAttemptAt)
            case .retry(let at): (.pending, at)
            }
        try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                // The subscription may have been deleted while the attempt was under way; then
                // there is nothing left to record it against.
                let exists = try await tx.first(
                    """
                    SELECT 1 AS found FROM webhook_deliveries WHERE webhook_id = \(delivery.webhookID)
                        AND instance_id = \(delivery.instanceID) AND seq = \(delivery.seq)
                    """)
                guard exists != nil else { return }
                try await tx.query(
                    """
                    INSERT INTO webhook_attempts (webhook_id, instance_id, seq, attempt, started_at, status_code, error,
                        latency_ms)
                    VALUES (\(delivery.webhookID), \(delivery.instanceID), \(delivery.seq), \(attempt.attempt),
                        \(attempt.startedAt), \(attempt.statusCode), \(attempt.error), \(attempt.latency.milliseconds))
                    ON CONFLICT (webhook_id, instance_id, seq, attempt) DO NOTHING
                    """)
                try await tx.query(
                    """
                    UPDATE webhook_deliveries SET attempts = \(attempt.attempt),
                        round_attempts = round_attempts + 1, state = \(state.rawValue),
                        next_attempt_at = \(next), last_status = \(attempt.statusCode), last_error = \(attempt.error),
                        delivered_at = \(state == .delivered ? now : nil), parked_at = \(state == .parked ? now : nil),
                        updated_at = \(now)
                    WHERE webhook_id = \(delivery.webhookID) AND instance_id = \(delivery.instanceID)
                        AND seq = \(delivery.seq) AND round_started_at = \(delivery.roundStartedAt)
                    """)
            }
        }
    }

    /// A subscription's deliveries in event order (per instance), optionally of one instance or
    /// state.
    public func deliveries(
        webhookID: UUID, instanceID: UUID?, state: DeliveryState?, after cursor: String?, limit: Int
    ) async throws(GatewayStoreError) -> Page<DeliveryRecord> {
        var filters: SQLQuery = ""
        if let instanceID { filters = "\(filters) AND d.instance_id = \(instanceID)" }
        if let state { filters = "\(filters) AND d.state = \(state.rawValue)" }
        if let cursor {
            let position = try CreationCursor(cursor)
            filters =
                "\(filters) AND (d.instance_id > \(position.id) OR (d.instance_id = \(position.id) AND d.seq > \(position.createdAt)))"
        }
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT d.*, e.type FROM webhook_deliveries d
                LEFT JOIN events e ON e.instance_id = d.instance_id AND e.seq = d.seq
                WHERE d.webhook_id = \(webhookID) \(filters)
                ORDER BY d.instance_id, d.seq LIMIT \(limit + 1)
                """)
        }
        // The cursor reuses the (number, text) pair: the event number and the instance.
        return try page(rows, limit: limit) { row throws(StoreError) in
            try DeliveryRecord(row: row)
        } cursor: {
            CreationCursor(createdAt: $0.seq, id: $0.instanceID.lowercased)
        }
    }

    /// One delivery and every attempt made for it, oldest first.
    public func delivery(webhookID: UUID, instanceID: UUID, seq: Int64) async throws(GatewayStoreError)
        -> (delivery: DeliveryRecord, attempts: [DeliveryAttempt])?
    {
        try await run { () throws(StoreError) in
            guard
                let row = try await database.first(
                    """
                    SELECT d.*, e.type FROM webhook_deliveries d
                    LEFT JOIN events e ON e.instance_id = d.instance_id AND e.seq = d.seq
                    WHERE d.webhook_id = \(webhookID) AND d.instance_id = \(instanceID) AND d.seq = \(seq)
                    """)
            else { return nil }
            let attempts = try await database.query(
                """
                SELECT * FROM webhook_attempts WHERE webhook_id = \(webhookID) AND instance_id = \(instanceID)
                    AND seq = \(seq) ORDER BY attempt
                """
            ).map { row throws(StoreError) in try DeliveryAttempt(row: row) }
            return (try DeliveryRecord(row: row), attempts)
        }
    }

    /// Queues the events `from...to` of an instance for delivery to `hook` again (those its
    /// filter wants), whatever became of them before; returns how many were queued. The
    /// retry horizon starts again from now.
    public func replay(hook: WebhookRecord, instanceID: UUID, from: Int64, to: Int64, now: Date = Date())
        async throws(GatewayStoreError) -> Int
    {
        guard hook.instanceID == nil || hook.instanceID == instanceID else { return 0 }
        return try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                let events = try await tx.query(
                    """
                    SELECT seq, type FROM events WHERE instance_id = \(instanceID) AND tenant_id = \(hook.tenantID)
                        AND seq >= \(from) AND seq <= \(to) ORDER BY seq
                    """)
                var queued = 0
                for row in events where hook.filter.matches(try row.string("type")) {
                    try await tx.query(
                        """
                        INSERT INTO webhook_deliveries (webhook_id, instance_id, seq, state, attempts,
                            round_attempts, round_started_at, next_attempt_at, updated_at)
                        VALUES (\(hook.id), \(instanceID), \(try row.int("seq")), \(DeliveryState.pending.rawValue), 0,
                            0, \(now), \(now), \(now))
                        ON CONFLICT (webhook_id, instance_id, seq) DO UPDATE SET
                            state = \(DeliveryState.pending.rawValue), round_attempts = 0, round_started_at = \(now),
                            next_attempt_at = \(now), parked_at = NULL, updated_at = \(now)
                        """)
                    queued += 1
                }
                return queued
            }
        }
    }
}

extension Duration {
    /// Whole milliseconds, for storing latencies.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
