import Foundation

extension GatewayStore {
    /// Queues an outbound message; it is on disk when this returns. With an idempotency key
    /// already used for this instance, returns the message stored then (`existing` true) if the
    /// request hash matches, and refuses it otherwise.
    public func enqueue(_ message: MessageRecord) async throws(GatewayStoreError)
        -> (message: MessageRecord, existing: Bool)
    {
        enum Outcome: Sendable {
            case stored(MessageRecord)
            case existing(MessageRecord)
            case conflict
        }
        let outcome = try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                if let key = message.idempotencyKey,
                    let row = try await tx.first(
                        "SELECT * FROM messages WHERE instance_id = \(message.instanceID) AND idempotency_key = \(key)"
                    )
                {
                    let stored = try MessageRecord(row: row)
                    return stored.requestHash == message.requestHash ? Outcome.existing(stored) : .conflict
                }
                guard let row = try await tx.first(Self.insert(message)) else {
                    throw .query("the insert returned no row")
                }
                return .stored(try MessageRecord(row: row))
            }
        }
        switch outcome {
        case .stored(let record): return (record, false)
        case .existing(let record): return (record, true)
        case .conflict: throw .idempotencyConflict
        }
    }

    /// Stores a received message unless the same one (chat, sender, id) is already there, and
    /// returns whether it stored it; runs on the executor it is given, so it can join the device
    /// state's transaction.
    @discardableResult
    public static func storeInbound(_ message: MessageRecord, on executor: any SQLExecutor)
        async throws(StoreError) -> Bool
    {
        !(try await executor.query(
            "\(insert(message, returning: false)) ON CONFLICT (instance_id, direction, chat, sender, id) DO NOTHING RETURNING seq"
        )).isEmpty
    }

    static func insert(_ m: MessageRecord, returning: Bool = true) -> SQLQuery {
        """
        INSERT INTO messages (instance_id, id, direction, chat, sender, type, text, content, quoted_id,
            request, media, status, failure_reason, idempotency_key, request_hash, attempts, message_time,
            created_at, updated_at)
        VALUES (\(m.instanceID), \(m.id), \(m.direction.rawValue), \(m.chat), \(m.sender), \(m.type), \(m.text),
            \(m.content), \(m.quotedID), \(m.request), \(m.media), \(m.status.rawValue), \(m.failureReason),
            \(m.idempotencyKey), \(m.requestHash), \(m.attempts), \(m.messageTime), \(m.createdAt), \(m.updatedAt))\(raw: returning ? " RETURNING *" : "")
        """
    }

    /// The oldest queued outbound messages of an instance, in the order they were accepted.
    public func queuedMessages(instanceID: UUID, limit: Int) async throws(GatewayStoreError)
        -> [MessageRecord]
    {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT * FROM messages WHERE instance_id = \(instanceID) AND status = \(MessageState.queued.rawValue)
                    AND direction = \(MessageDirection.outbound.rawValue)
                ORDER BY seq LIMIT \(limit)
                """
            ).map { row throws(StoreError) in try MessageRecord(row: row) }
        }
    }

    /// Counts a send attempt before it is made, so a message that crashes the sender every
    /// time is failed rather than retried for ever.
    public func countAttempt(instanceID: UUID, id: String, now: Date = Date()) async throws(GatewayStoreError)
        -> Int
    {
        try await run { () throws(StoreError) in
            let row = try await database.first(
                """
                UPDATE messages SET attempts = attempts + 1, updated_at = \(now)
                WHERE instance_id = \(instanceID) AND id = \(id) AND direction = \(MessageDirection.outbound.rawValue)
                RETURNING attempts
                """)
            return Int(try row?.int("attempts") ?? 0)
        }
    }

    /// Moves outbound messages forward to `state`, never back; returns the ones that moved.
    /// With `event`, the event it makes of each moved message is appended in the same
    /// transaction.
    @discardableResult
    public func advanceOutbound(
        instanceID: UUID, ids: [String], to state: MessageState, reason: String? = nil, now: Date = Date(),
        event: (@Sendable (MessageRecord) -> NewEvent)? = nil
    ) async throws(GatewayStoreError) -> [MessageRecord] {
        guard !ids.isEmpty else { return [] }
        let lower = [MessageState.queued, .sent, .delivered, .read, .played].filter { $0.rank < state.rank }
        guard !lower.isEmpty else { return [] }
        let idList = SQLQuery.joined(ids.map { "\($0)" }, separator: ", ")
        let stateList = SQLQuery.joined(lower.map { "\($0.rawValue)" }, separator: ", ")
        return try await run { () throws(StoreError) in
            try await database.transaction { tx throws(StoreError) in
                let moved = try await tx.query(
                    """
                    UPDATE messages SET status = \(state.rawValue), failure_reason = \(reason), updated_at = \(now)
                    WHERE instance_id = \(instanceID) AND direction = \(MessageDirection.outbound.rawValue)
                        AND id IN (\(idList)) AND status IN (\(stateList))
                    RETURNING *
                    """
                ).map { row throws(StoreError) in try MessageRecord(row: row) }
                if let event {
                    for record in moved { try await Self.appendEvent(event(record), on: tx) }
                }
                return moved
            }
        }
    }

    /// Marks received messages read (after we sent the read receipt).
    public func markInboundRead(instanceID: UUID, ids: [String], now: Date = Date())
        async throws(GatewayStoreError)
    {
        guard !ids.isEmpty else { return }
        let idList = SQLQuery.joined(ids.map { "\($0)" }, separator: ", ")
        try await run { () throws(StoreError) in
            try await database.query(
                """
                UPDATE messages SET status = \(MessageState.read.rawValue), updated_at = \(now)
                WHERE instance_id = \(instanceID) AND direction = \(MessageDirection.inbound.rawValue)
                    AND id IN (\(idList))
                """)
        }
    }

    /// A message of the instance by id (outbound first, then the newest received).
    public func message(instanceID: UUID, id: String) async throws(GatewayStoreError) -> MessageRecord? {
        try await run { () throws(StoreError) in
            try await database.first(
                """
                SELECT * FROM messages WHERE instance_id = \(instanceID) AND id = \(id)
                ORDER BY CASE WHEN direction = \(MessageDirection.outbound.rawValue) THEN 0 ELSE 1 END, seq DESC
                LIMIT 1
                """
            ).map { row throws(StoreError) in try MessageRecord(row: row) }
        }
    }

    /// Messages newest first, optionally of one direction or chat.
    public func messages(
        instanceID: UUID, direction: MessageDirection?, chat: String?, after cursor: String?, limit: Int
    ) async throws(GatewayStoreError) -> Page<MessageRecord> {
        var before: Int64?
        if let cursor {
            guard let data = Data(base64URLEncoded: cursor), let text = String(data: data, encoding: .utf8),
                let seq = Int64(text)
            else { throw .invalidCursor }
            before = seq
        }
        var filters: [SQLQuery] = ["instance_id = \(instanceID)"]
        if let direction { filters.append("direction = \(direction.rawValue)") }
        if let chat { filters.append("chat = \(chat)") }
        if let before { filters.append("seq < \(before)") }
        let condition = SQLQuery.joined(filters, separator: " AND ")
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                "SELECT * FROM messages WHERE \(condition) ORDER BY seq DESC LIMIT \(limit + 1)")
        }
        var items: [MessageRecord] = []
        do {
            for row in rows.prefix(limit) { items.append(try MessageRecord(row: row)) }
        } catch { throw .store(error) }
        let next =
            rows.count > limit ? items.last.map { Data(String($0.seq).utf8).base64URLEncodedString() } : nil
        return Page(items: items, nextCursor: next)
    }

    /// How many messages of each direction and state an instance has (for metrics and tests).
    public func messageCounts(instanceID: UUID) async throws(GatewayStoreError)
        -> [MessageDirection: [MessageState: Int]]
    {
        let rows = try await run { () throws(StoreError) in
            try await database.query(
                """
                SELECT direction, status, COUNT(*) AS n FROM messages WHERE instance_id = \(instanceID)
                GROUP BY direction, status
                """)
        }
        var counts: [MessageDirection: [MessageState: Int]] = [:]
        do {
            for row in rows {
                guard let direction = MessageDirection(rawValue: try row.string("direction")),
                    let state = MessageState(rawValue: try row.string("status"))
                else { continue }
                counts[direction, default: [:]][state] = Int(try row.int("n"))
            }
        } catch { throw .store(error) }
        return counts
    }

    // MARK: Uploads

    public func saveUpload(_ upload: MediaUpload) async throws(GatewayStoreError) {
        try await run { () throws(StoreError) in
            try await database.query(
                """
                INSERT INTO media_uploads (id, instance_id, mimetype, file_name, size, sha256, data, created_at)
                VALUES (\(upload.id), \(upload.instanceID), \(upload.mimetype), \(upload.fileName), \(upload.size),
                    \(upload.sha256), \(upload.data), \(upload.createdAt))
                """)
        }
    }

    public func upload(_ id: UUID, instanceID: UUID) async throws(GatewayStoreError) -> MediaUpload? {
        try await run { () throws(StoreError) in
            try await database.first(
                "SELECT * FROM media_uploads WHERE id = \(id) AND instance_id = \(instanceID)"
            )
            .map { row throws(StoreError) in try MediaUpload(row: row) }
        }
    }
}

extension GatewayStore {
    /// The message accepted earlier under this Idempotency-Key, if any.
    public func message(instanceID: UUID, idempotencyKey: String) async throws(GatewayStoreError)
        -> MessageRecord?
    {
        try await run { () throws(StoreError) in
            try await database.first(
                "SELECT * FROM messages WHERE instance_id = \(instanceID) AND idempotency_key = \(idempotencyKey)"
            ).map { row throws(StoreError) in try MessageRecord(row: row) }
        }
    }
}
