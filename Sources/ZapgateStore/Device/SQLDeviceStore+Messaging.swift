import Foundation
import ZapgateEngine
import ZapgateSignal

// Messaging bookkeeping. Only sent message bodies are sealed (they are message content); peer
// identity keys are public, and the rest is ids and addresses.
extension SQLDeviceStore {
    // MARK: Peer identities

    public func peerIdentity(for address: SignalAddress) async throws(SignalError) -> Data? {
        do {
            let row = try await database.first(
                """
                SELECT identity_key FROM \(raw: DeviceTable.identities.sql)
                WHERE instance_id = \(instanceID) AND address = \(address.description)
                """)
            return try row?.data("identity_key")
        } catch {
            throw error.signalError
        }
    }

    public func savePeerIdentity(_ identityKey: Data, for address: SignalAddress) async throws(SignalError)
        -> Bool
    {
        let instanceID = instanceID
        let key = address.description
        do {
            return try await database.transaction { executor throws(StoreError) in
                let old = try await executor.first(
                    """
                    SELECT identity_key FROM \(raw: DeviceTable.identities.sql)
                    WHERE instance_id = \(instanceID) AND address = \(key)
                    """)
                let oldKey = try old?.data("identity_key")
                try await executor.query(
                    """
                    INSERT INTO \(raw: DeviceTable.identities.sql) (instance_id, address, identity_key)
                    VALUES (\(instanceID), \(key), \(identityKey))
                    ON CONFLICT (instance_id, address) DO UPDATE SET identity_key = excluded.identity_key
                    """)
                return oldKey != nil && oldKey != identityKey
            }
        } catch {
            throw error.signalError
        }
    }

    // MARK: LID mappings

    /// Records the mapping, replacing any earlier one of either side: a LID names one phone
    /// number and a phone number one LID.
    public func storeLIDMapping(lid: String, phoneNumber: String) async throws(EngineError) {
        let instanceID = instanceID
        do {
            try await database.transaction { executor throws(StoreError) in
                try await executor.query(
                    """
                    DELETE FROM \(raw: DeviceTable.lidMappings.sql)
                    WHERE instance_id = \(instanceID) AND (lid = \(lid) OR phone_number = \(phoneNumber))
                    """)
                try await executor.query(
                    """
                    INSERT INTO \(raw: DeviceTable.lidMappings.sql) (instance_id, lid, phone_number)
                    VALUES (\(instanceID), \(lid), \(phoneNumber))
                    """)
            }
        } catch {
            throw error.engineError
        }
    }

    public func lid(forPhoneNumber phoneNumber: String) async throws(EngineError) -> String? {
        do {
            let row = try await database.first(
                """
                SELECT lid FROM \(raw: DeviceTable.lidMappings.sql)
                WHERE instance_id = \(instanceID) AND phone_number = \(phoneNumber)
                """)
            return try row?.string("lid")
        } catch {
            throw error.engineError
        }
    }

    public func phoneNumber(forLID lid: String) async throws(EngineError) -> String? {
        do {
            let row = try await database.first(
                """
                SELECT phone_number FROM \(raw: DeviceTable.lidMappings.sql)
                WHERE instance_id = \(instanceID) AND lid = \(lid)
                """)
            return try row?.string("phone_number")
        } catch {
            throw error.engineError
        }
    }

    // MARK: Received messages

    public func hasReceived(_ key: String) async throws(EngineError) -> Bool {
        do {
            let row = try await database.first(
                """
                SELECT 1 AS found FROM \(raw: DeviceTable.receivedMessages.sql)
                WHERE instance_id = \(instanceID) AND message_key = \(key)
                """)
            return row != nil
        } catch {
            throw error.engineError
        }
    }

    public func markReceived(_ key: String) async throws(EngineError) {
        do {
            try await insertReceivedKey(key, on: database)
        } catch {
            throw error.engineError
        }
    }

    public func markReceived(_ key: String, reporting message: IncomingMessage?) async throws(EngineError) {
        guard let message, let onReceived else {
            try await markReceived(key)
            return
        }
        do {
            try await database.transaction { executor throws(StoreError) in
                try await onReceived(message, executor)
                try await insertReceivedKey(key, on: executor)
            }
        } catch {
            throw error.engineError
        }
    }

    /// Records a received message's key through `executor`, so the gateway can do it in the
    /// transaction that stores the message itself. Recording a key twice is not an error.
    public nonisolated func insertReceivedKey(
        _ key: String, on executor: any SQLExecutor, at time: Date = Date()
    ) async throws(StoreError) {
        try await executor.query(
            """
            INSERT INTO \(raw: DeviceTable.receivedMessages.sql) (instance_id, message_key, received_at)
            VALUES (\(instanceID), \(key), \(time))
            ON CONFLICT (instance_id, message_key) DO NOTHING
            """)
    }

    /// Forgets the keys of messages received before `date`. A redelivery older than that is
    /// no longer recognised, so pick a horizon well past the server's redelivery window.
    public func pruneReceived(before date: Date) async throws(StoreError) {
        try await database.query(
            """
            DELETE FROM \(raw: DeviceTable.receivedMessages.sql)
            WHERE instance_id = \(instanceID) AND received_at < \(date)
            """)
    }

    // MARK: Sent messages

    /// Saves (or replaces) a sent message and, in the same transaction, drops all but the
    /// newest ``keptSentMessages``. A replaced message keeps its place in that order. The
    /// timestamp is kept to the millisecond.
    public func saveSentMessage(_ record: SentMessageRecord) async throws(EngineError) {
        let instanceID = instanceID
        let table = DeviceTable.sentMessages.sql
        let kept = Self.keptSentMessages
        do {
            let sealed = try secrets.seal(
                record.message, for: location(.sentMessages, record.id, record.chat))
            try await database.transaction { executor throws(StoreError) in
                try await executor.query(
                    """
                    INSERT INTO \(raw: table) (instance_id, message_id, chat, sealed, sent_at)
                    VALUES (\(instanceID), \(record.id), \(record.chat), \(sealed), \(record.timestamp))
                    ON CONFLICT (instance_id, message_id) DO UPDATE
                    SET chat = excluded.chat, sealed = excluded.sealed, sent_at = excluded.sent_at
                    """)
                // Everything at or below the row just past the newest `kept`; none while fewer.
                try await executor.query(
                    """
                    DELETE FROM \(raw: table)
                    WHERE instance_id = \(instanceID) AND row_id <= (
                        SELECT row_id FROM \(raw: table) WHERE instance_id = \(instanceID)
                        ORDER BY row_id DESC LIMIT 1 OFFSET \(kept)
                    )
                    """)
            }
        } catch {
            throw error.engineError
        }
    }

    public func sentMessage(id: String) async throws(EngineError) -> SentMessageRecord? {
        do {
            let row = try await database.first(
                """
                SELECT chat, sealed, sent_at FROM \(raw: DeviceTable.sentMessages.sql)
                WHERE instance_id = \(instanceID) AND message_id = \(id)
                """)
            guard let row else { return nil }
            let chat = try row.string("chat")
            let message = try secrets.open(try row.data("sealed"), at: location(.sentMessages, id, chat))
            return SentMessageRecord(id: id, chat: chat, message: message, timestamp: try row.date("sent_at"))
        } catch {
            throw error.engineError
        }
    }

    // MARK: Sender-key holders

    public func senderKeyHolders(group: String) async throws(EngineError) -> Set<String> {
        do {
            let rows = try await database.query(
                """
                SELECT device FROM \(raw: DeviceTable.senderKeyHolders.sql)
                WHERE instance_id = \(instanceID) AND group_id = \(group)
                """)
            var devices = Set<String>()
            for row in rows { devices.insert(try row.string("device")) }
            return devices
        } catch {
            throw error.engineError
        }
    }

    public func addSenderKeyHolders(_ devices: [String], group: String) async throws(EngineError) {
        let unique = Array(Set(devices))
        guard !unique.isEmpty else { return }
        let instanceID = instanceID
        // 3 values a row; 250 rows stays far below SQLite's oldest limit of 999 parameters.
        let chunks = stride(from: 0, to: unique.count, by: 250).map {
            Array(unique[$0..<min($0 + 250, unique.count)])
        }
        do {
            try await database.transaction { executor throws(StoreError) in
                for chunk in chunks {
                    let rows = chunk.map { device -> SQLQuery in "(\(instanceID), \(group), \(device))" }
                    try await executor.query(
                        """
                        INSERT INTO \(raw: DeviceTable.senderKeyHolders.sql) (instance_id, group_id, device)
                        VALUES \(SQLQuery.joined(rows, separator: ", "))
                        ON CONFLICT (instance_id, group_id, device) DO NOTHING
                        """)
                }
            }
        } catch {
            throw error.engineError
        }
    }
}
