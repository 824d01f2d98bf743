import Foundation

extension GatewayStore {
    /// Appends an event to its instance's log, and queues its delivery to every subscription
    /// that wants it, through `executor`: in the transaction of the change the event reports,
    /// so the change and its event are stored together or not at all.
    @discardableResult
    public static func appendEvent(_ event: NewEvent, on executor: any SQLExecutor) async throws(StoreError)
        -> EventRecord
    {
        guard
            let row = try await executor.first(
                """
                INSERT INTO event_sequences (instance_id, last_seq) VALUES (\(event.instanceID), 1)
                ON CONFLICT (instance_id) DO UPDATE SET last_seq = event_sequences.last_seq + 1
                RETURNING last_seq
                """)
        else { throw .query("the event sequence returned no row") }
        let seq = try row.int("last_seq")
        // Milliseconds, as the database keeps times, so a reread event is the same event.
        let createdAt = Date(
            timeIntervalSince1970: (event.createdAt.timeIntervalSince1970 * 1000).rounded() / 1000)
        let record = EventRecord(
            instanceID: event.instanceID, seq: seq, tenantID: event.tenantID, type: event.type,
            payload: envelope(event, seq: seq, createdAt: createdAt), createdAt: createdAt)
        try await executor.query(
            """
            INSERT INTO events (instance_id, seq, tenant_id, type, payload, created_at)
            VALUES (\(record.instanceID), \(seq), \(record.tenantID), \(record.type), \(record.payload),
                \(createdAt))
            """)
        let hooks = try await executor.query(
            """
            SELECT * FROM webhooks WHERE tenant_id = \(event.tenantID) AND enabled = 1
                AND (instance_id IS NULL OR instance_id = \(event.instanceID))
            """
        ).map { row throws(StoreError) in try WebhookRecord(row: row) }
        for hook in hooks where hook.wants(instanceID: event.instanceID, type: event.type) {
            try await executor.query(
                """
                INSERT INTO webhook_deliveries (webhook_id, instance_id, seq, state, attempts, round_attempts,
                    round_started_at, next_attempt_at, updated_at)
                VALUES (\(hook.id), \(event.instanceID), \(seq), \(DeliveryState.pending.rawValue), 0, 0, \(createdAt),
                    \(createdAt), \(createdAt))
                """)
        }
        return record
    }

    /// Appends an event that reports no stored change of its own (a QR code shown).
    @discardableResult
    public func appendEvent(_ event: NewEvent) async throws(GatewayStoreError) -> EventRecord {
        try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                try await Self.appendEvent(event, on: tx)
            }
        }
    }

    /// The JSON every receiver gets: a fixed envelope around the event's data.
    static func envelope(_ event: NewEvent, seq: Int64, createdAt: Date) -> String {
        let id = EventRecord.id(instanceID: event.instanceID, seq: seq)
        let time = createdAt.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        let data = String(decoding: event.data, as: UTF8.self)
        return
            #"{"id":"\#(id)","seq":\#(seq),"instanceId":"\#(event.instanceID.uuidString.lowercased())","type":"\#(event.type)","createdAt":"\#(time)","data":\#(data)}"#
    }

    /// An instance's events after `seq`, oldest first, at most `limit`, of the types `filter`
    /// wants. Also returns the number of the last event looked at, so a caller whose filter
    /// skipped a whole page still moves on.
    public func events(instanceID: UUID, after seq: Int64, filter: EventFilter = EventFilter([]), limit: Int)
        async throws(GatewayStoreError) -> (events: [EventRecord], lastSeen: Int64)
    {
        try await run { () throws(StoreError) in
            let records = try await database.query(
                """
                SELECT * FROM events WHERE instance_id = \(instanceID) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                """
            ).map { row throws(StoreError) in try EventRecord(row: row) }
            return (records.filter { filter.matches($0.type) }, records.last?.seq ?? seq)
        }
    }

    /// One event by number.
    public func event(instanceID: UUID, seq: Int64) async throws(GatewayStoreError) -> EventRecord? {
        try await run { () throws(StoreError) in
            try await database.first(
                "SELECT * FROM events WHERE instance_id = \(instanceID) AND seq = \(seq)"
            )
            .map { row throws(StoreError) in try EventRecord(row: row) }
        }
    }

    /// The number of an instance's latest event (0 before the first).
    public func lastEventSeq(instanceID: UUID) async throws(GatewayStoreError) -> Int64 {
        try await run { () throws(StoreError) in
            try await database.first(
                "SELECT last_seq FROM event_sequences WHERE instance_id = \(instanceID)")?
                .int("last_seq") ?? 0
        }
    }

    /// Forgets events older than `cutoff` that no delivery still waits for, with the finished
    /// deliveries and attempts of that age. Returns how many events went.
    @discardableResult
    public func pruneEvents(before cutoff: Date) async throws(GatewayStoreError) -> Int {
        try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                try await tx.query(
                    """
                    DELETE FROM webhook_attempts WHERE started_at < \(cutoff) AND NOT EXISTS (
                        SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = webhook_attempts.webhook_id
                            AND d.instance_id = webhook_attempts.instance_id AND d.seq = webhook_attempts.seq
                            AND d.state = \(DeliveryState.pending.rawValue))
                    """)
                try await tx.query(
                    """
                    DELETE FROM webhook_deliveries WHERE updated_at < \(cutoff)
                        AND state <> \(DeliveryState.pending.rawValue)
                    """)
                return try await tx.query(
                    """
                    DELETE FROM events WHERE created_at < \(cutoff) AND NOT EXISTS (
                        SELECT 1 FROM webhook_deliveries d WHERE d.instance_id = events.instance_id
                            AND d.seq = events.seq)
                    RETURNING seq
                    """
                ).count
            }
        }
    }

    /// Removes an instance's events, deliveries and subscriptions (with the instance itself).
    /// The sequence row goes first: appending locks it before the subscriptions, so taking the
    /// locks in the same order cannot deadlock against an append.
    static func deleteEvents(instanceID: UUID, on executor: any SQLExecutor) async throws(StoreError) {
        try await executor.query("DELETE FROM event_sequences WHERE instance_id = \(instanceID)")
        try await executor.query("DELETE FROM webhook_attempts WHERE instance_id = \(instanceID)")
        try await executor.query("DELETE FROM webhook_deliveries WHERE instance_id = \(instanceID)")
        try await executor.query("DELETE FROM webhooks WHERE instance_id = \(instanceID)")
        try await executor.query("DELETE FROM events WHERE instance_id = \(instanceID)")
    }
}

extension EventRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            instanceID: try row.uuid("instance_id"), seq: try row.int("seq"),
            tenantID: try row.uuid("tenant_id"),
            type: try row.string("type"), payload: try row.string("payload"),
            createdAt: try row.date("created_at"))
    }
}

extension WebhookRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.uuid("id"), tenantID: try row.uuid("tenant_id"),
            instanceID: try row.optionalUUID("instance_id"),
            url: try row.string("url"), filter: EventFilter(stored: try row.string("events")),
            description: try row.optionalString("description"), sealedSecret: try row.data("secret"),
            enabled: try row.bool("enabled"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}

extension DeliveryRecord {
    init(row: SQLRow) throws(StoreError) {
        guard let state = DeliveryState(rawValue: try row.string("state")) else {
            throw .corrupt("delivery state")
        }
        self.init(
            webhookID: try row.uuid("webhook_id"), instanceID: try row.uuid("instance_id"),
            seq: try row.int("seq"),
            eventType: try row.optionalString("type") ?? "", state: state,
            attempts: Int(try row.int("attempts")),
            roundAttempts: Int(try row.int("round_attempts")),
            roundStartedAt: try row.date("round_started_at"), nextAttemptAt: try row.date("next_attempt_at"),
            lastStatus: try row.optionalInt("last_status").map { Int($0) },
            lastError: try row.optionalString("last_error"),
            deliveredAt: try row.optionalDate("delivered_at"), parkedAt: try row.optionalDate("parked_at"),
            updatedAt: try row.date("updated_at"))
    }
}

extension DeliveryAttempt {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            attempt: Int(try row.int("attempt")), startedAt: try row.date("started_at"),
            statusCode: try row.optionalInt("status_code").map { Int($0) },
            error: try row.optionalString("error"),
            latency: .milliseconds(try row.int("latency_ms")))
    }
}
