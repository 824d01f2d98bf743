import Foundation
import ZapgateCrypto
import ZapgateEngine
import ZapgateSignal

// One-time prekeys, sessions and sender keys: all sealed, each bound to its row.
extension SQLDeviceStore {
    // MARK: Prekeys

    public func loadPreKey(id: UInt32) async throws(SignalError) -> PreKeyRecord? {
        do throws(StoreError) {
            let row = try await database.first(
                """
                SELECT sealed FROM \(raw: DeviceTable.preKeys.sql)
                WHERE instance_id = \(instanceID) AND prekey_id = \(id)
                """)
            guard let row else { return nil }
            let plain = try secrets.open(try row.data("sealed"), at: location(.preKeys, String(id)))
            // The public key is kept beside the private one so a damaged pair is noticed here.
            guard plain.count == 64,
                let pair = try? Curve25519KeyPair(privateKey: plain.prefix(32)),
                pair.publicKey == plain.suffix(32)
            else {
                throw .corrupt("prekey \(id) is invalid")
            }
            return PreKeyRecord(id: id, keyPair: pair)
        } catch {
            throw error.signalError
        }
    }

    public func storePreKey(_ record: PreKeyRecord) async throws(SignalError) {
        do {
            let sealed = try secrets.seal(
                record.keyPair.privateKey + record.keyPair.publicKey,
                for: location(.preKeys, String(record.id)))
            try await database.query(
                """
                INSERT INTO \(raw: DeviceTable.preKeys.sql) (instance_id, prekey_id, sealed)
                VALUES (\(instanceID), \(record.id), \(sealed))
                ON CONFLICT (instance_id, prekey_id) DO UPDATE SET sealed = excluded.sealed
                """)
        } catch {
            throw error.signalError
        }
    }

    /// Stores many prekeys in one transaction: one commit (one sync) instead of one per key,
    /// which is most of the cost of the 812 a new device generates.
    public func storePreKeys(_ records: [PreKeyRecord]) async throws(StoreError) {
        var rows: [SQLQuery] = []
        rows.reserveCapacity(records.count)
        for record in records {
            let sealed = try secrets.seal(
                record.keyPair.privateKey + record.keyPair.publicKey,
                for: location(.preKeys, String(record.id)))
            rows.append("(\(instanceID), \(record.id), \(sealed))")
        }
        // 3 values a row; 300 rows stays below SQLite's oldest limit of 999 parameters.
        let chunks = stride(from: 0, to: rows.count, by: 300).map {
            Array(rows[$0..<min($0 + 300, rows.count)])
        }
        try await database.transaction { executor throws(StoreError) in
            for chunk in chunks {
                try await executor.query(
                    """
                    INSERT INTO \(raw: DeviceTable.preKeys.sql) (instance_id, prekey_id, sealed)
                    VALUES \(SQLQuery.joined(chunk, separator: ", "))
                    ON CONFLICT (instance_id, prekey_id) DO UPDATE SET sealed = excluded.sealed
                    """)
            }
        }
    }

    public func savePreKeys(_ records: [PreKeyRecord]) async throws(EngineError) {
        do { try await storePreKeys(records) } catch { throw error.engineError }
    }

    public func removePreKey(id: UInt32) async throws(SignalError) {
        do {
            try await database.query(
                """
                DELETE FROM \(raw: DeviceTable.preKeys.sql)
                WHERE instance_id = \(instanceID) AND prekey_id = \(id)
                """)
        } catch {
            throw error.signalError
        }
    }

    public func preKeyCount() async throws(EngineError) -> Int {
        do {
            let row = try await database.first(
                "SELECT COUNT(*) AS count FROM \(raw: DeviceTable.preKeys.sql) WHERE instance_id = \(instanceID)"
            )
            return Int(try row?.int("count") ?? 0)
        } catch {
            throw error.engineError
        }
    }

    // MARK: Sessions

    public func loadSession(for address: SignalAddress) async throws(SignalError) -> SessionRecord? {
        let bytes: Data?
        do {
            bytes = try await sessionBytes(for: address)
        } catch {
            throw error.signalError
        }
        return try bytes.map { data throws(SignalError) in try SessionRecord(serialized: data) }
    }

    public func storeSession(_ record: SessionRecord, for address: SignalAddress) async throws(SignalError) {
        do {
            let key = address.description
            let sealed = try secrets.seal(record.serialized(), for: location(.sessions, key))
            try await database.query(
                """
                INSERT INTO \(raw: DeviceTable.sessions.sql) (instance_id, address, sealed)
                VALUES (\(instanceID), \(key), \(sealed))
                ON CONFLICT (instance_id, address) DO UPDATE SET sealed = excluded.sealed
                """)
        } catch {
            throw error.signalError
        }
    }

    public func deleteSession(for address: SignalAddress) async throws(SignalError) {
        do {
            try await database.query(
                """
                DELETE FROM \(raw: DeviceTable.sessions.sql)
                WHERE instance_id = \(instanceID) AND address = \(address.description)
                """)
        } catch {
            throw error.signalError
        }
    }

    /// A session's serialised record as it was stored (after opening its seal), or nil.
    public func sessionBytes(for address: SignalAddress) async throws(StoreError) -> Data? {
        let key = address.description
        let row = try await database.first(
            """
            SELECT sealed FROM \(raw: DeviceTable.sessions.sql)
            WHERE instance_id = \(instanceID) AND address = \(key)
            """)
        guard let row else { return nil }
        return try secrets.open(try row.data("sealed"), at: location(.sessions, key))
    }

    // MARK: Sender keys

    public func loadSenderKey(for name: SenderKeyName) async throws(SignalError) -> SenderKeyRecord? {
        let bytes: Data?
        do {
            let sender = name.sender.description
            let row = try await database.first(
                """
                SELECT sealed FROM \(raw: DeviceTable.senderKeys.sql)
                WHERE instance_id = \(instanceID) AND group_id = \(name.groupID) AND sender = \(sender)
                """)
            bytes = try row.map { row throws(StoreError) in
                try secrets.open(try row.data("sealed"), at: location(.senderKeys, name.groupID, sender))
            }
        } catch {
            throw error.signalError
        }
        return try bytes.map { data throws(SignalError) in try SenderKeyRecord(serialized: data) }
    }

    public func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) async throws(SignalError) {
        do {
            let sender = name.sender.description
            let sealed = try secrets.seal(
                record.serialized(), for: location(.senderKeys, name.groupID, sender))
            try await database.query(
                """
                INSERT INTO \(raw: DeviceTable.senderKeys.sql) (instance_id, group_id, sender, sealed)
                VALUES (\(instanceID), \(name.groupID), \(sender), \(sealed))
                ON CONFLICT (instance_id, group_id, sender) DO UPDATE SET sealed = excluded.sealed
                """)
        } catch {
            throw error.signalError
        }
    }
}
