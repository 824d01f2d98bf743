import Foundation
import ZapgateEngine
import ZapgateSignal

/// One linked device's state in the database: credentials, one-time prekeys, Signal sessions
/// and sender keys (all sealed with a ``SecretBox``), and the plain bookkeeping messaging
/// needs (peer identities, LID mappings, received ids, recent sends, sender-key holders).
///
/// Every row carries the instance's id, so many devices share one database, each seeing only
/// its own rows. The engine's typed errors are produced at the protocol boundary; the
/// `StoreError`-throwing methods below give the gateway the precise reason.
public actor SQLDeviceStore: DeviceStore {
    /// The gateway instance whose device this is.
    public let instanceID: UUID
    /// The database the rows live in; the gateway may run its own statements in the same
    /// transactions (see ``insertReceivedKey(_:on:)`` and ``deleteAll(instanceID:on:)``).
    public let database: any SQLDatabase
    let secrets: SecretBox
    /// Keeps a received message in the transaction that records its key (the gateway stores
    /// it in its messages table), so a crash cannot keep one without the other.
    let onReceived: ReceivedMessageSink?

    /// Stores a received message through the executor of the transaction it is given.
    public typealias ReceivedMessageSink =
        @Sendable (IncomingMessage, any SQLExecutor) async throws(StoreError) -> Void

    /// How many sent messages are kept for retries, the newest by first save (as
    /// ``InMemoryDeviceStore`` keeps them).
    public static let keptSentMessages = InMemoryDeviceStore.keptSentMessages

    /// A store for `instanceID`'s device in `database`, sealing secrets with `secrets`. The
    /// database must have run ``Migration/deviceState``.
    public init(
        instanceID: UUID, database: any SQLDatabase, secrets: SecretBox,
        onReceived: ReceivedMessageSink? = nil
    ) {
        self.instanceID = instanceID
        self.database = database
        self.secrets = secrets
        self.onReceived = onReceived
    }

    /// Where a sealed value of this instance lives.
    nonisolated func location(_ table: DeviceTable, _ key: String...) -> SecretBox.Location {
        SecretBox.Location(instanceID: instanceID, table: table.rawValue, key: key)
    }

    // MARK: Credentials

    /// The saved credentials, or nil for a device never set up. A wrong master key or a row
    /// that was tampered with fails with ``StoreError/corrupt(_:)``.
    public func credentials() async throws(StoreError) -> DeviceCredentials? {
        let row = try await database.first(
            "SELECT sealed FROM \(raw: DeviceTable.credentials.sql) WHERE instance_id = \(instanceID)")
        guard let row else { return nil }
        let plain = try secrets.open(try row.data("sealed"), at: location(.credentials))
        return try CredentialsCodec.decode(plain)
    }

    /// Replaces the saved credentials.
    public func replaceCredentials(_ credentials: DeviceCredentials) async throws(StoreError) {
        let sealed = try secrets.seal(try CredentialsCodec.encode(credentials), for: location(.credentials))
        try await database.query(
            """
            INSERT INTO \(raw: DeviceTable.credentials.sql) (instance_id, sealed, updated_at)
            VALUES (\(instanceID), \(sealed), \(Date()))
            ON CONFLICT (instance_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at
            """)
    }

    public func loadCredentials() async throws(EngineError) -> DeviceCredentials? {
        do { return try await credentials() } catch { throw error.engineError }
    }

    public func saveCredentials(_ credentials: DeviceCredentials) async throws(EngineError) {
        do { try await replaceCredentials(credentials) } catch { throw error.engineError }
    }

    // MARK: Deleting

    /// Deletes every row of this instance, in one transaction.
    public func wipe() async throws(EngineError) {
        let instanceID = instanceID
        do {
            try await database.transaction { executor throws(StoreError) in
                try await Self.deleteAll(instanceID: instanceID, on: executor)
            }
        } catch {
            throw error.engineError
        }
    }

    /// Deletes every device row of `instanceID` through `executor`, so the gateway can do it in
    /// the transaction that deletes the instance itself.
    public static func deleteAll(instanceID: UUID, on executor: any SQLExecutor) async throws(StoreError) {
        for table in DeviceTable.allCases {
            try await executor.query("DELETE FROM \(raw: table.sql) WHERE instance_id = \(instanceID)")
        }
    }
}

extension StoreError {
    /// The engine's form of a store failure.
    var engineError: EngineError { .store(description) }
    /// The Signal layer's form of a store failure.
    var signalError: SignalError { .storeFailure(description) }
}
