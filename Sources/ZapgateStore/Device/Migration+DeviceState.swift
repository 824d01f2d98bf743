extension Migration {
    /// Version 2: what one linked device keeps (``SQLDeviceStore``). Every table is keyed by
    /// the instance's id as lowercase text and every primary key starts with it, so one
    /// instance's rows are found and deleted by index. There is no foreign key to `instances`:
    /// the gateway deletes an instance's device rows itself, in the transaction that deletes it.
    ///
    /// Columns named `sealed` hold ``SecretBox`` output; the rest is stored plain.
    public static let deviceState = Migration(version: 2, name: "device state") { dialect in
        let blob = dialect.blob
        let bigint = dialect.bigint
        return [
            """
            CREATE TABLE device_credentials (
                instance_id TEXT NOT NULL PRIMARY KEY,
                sealed \(blob) NOT NULL,
                updated_at \(bigint) NOT NULL
            )
            """,
            """
            CREATE TABLE device_prekeys (
                instance_id TEXT NOT NULL,
                prekey_id \(bigint) NOT NULL,
                sealed \(blob) NOT NULL,
                PRIMARY KEY (instance_id, prekey_id)
            )
            """,
            """
            CREATE TABLE device_sessions (
                instance_id TEXT NOT NULL,
                address TEXT NOT NULL,
                sealed \(blob) NOT NULL,
                PRIMARY KEY (instance_id, address)
            )
            """,
            """
            CREATE TABLE device_sender_keys (
                instance_id TEXT NOT NULL,
                group_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                sealed \(blob) NOT NULL,
                PRIMARY KEY (instance_id, group_id, sender)
            )
            """,
            """
            CREATE TABLE device_identities (
                instance_id TEXT NOT NULL,
                address TEXT NOT NULL,
                identity_key \(blob) NOT NULL,
                PRIMARY KEY (instance_id, address)
            )
            """,
            // One row per mapping in both directions: a LID names one phone number and back.
            """
            CREATE TABLE device_lid_mappings (
                instance_id TEXT NOT NULL,
                lid TEXT NOT NULL,
                phone_number TEXT NOT NULL,
                PRIMARY KEY (instance_id, lid)
            )
            """,
            "CREATE UNIQUE INDEX device_lid_mappings_phone_number ON device_lid_mappings (instance_id, phone_number)",
            """
            CREATE TABLE device_received_messages (
                instance_id TEXT NOT NULL,
                message_key TEXT NOT NULL,
                received_at \(bigint) NOT NULL,
                PRIMARY KEY (instance_id, message_key)
            )
            """,
            "CREATE INDEX device_received_messages_age ON device_received_messages (instance_id, received_at)",
            // row_id keeps insertion order for pruning to the newest; an update keeps its place.
            """
            CREATE TABLE device_sent_messages (
                row_id \(dialect.autoIncrementPrimaryKey),
                instance_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                chat TEXT NOT NULL,
                sealed \(blob) NOT NULL,
                sent_at \(bigint) NOT NULL,
                UNIQUE (instance_id, message_id)
            )
            """,
            "CREATE INDEX device_sent_messages_order ON device_sent_messages (instance_id, row_id)",
            """
            CREATE TABLE device_sender_key_holders (
                instance_id TEXT NOT NULL,
                group_id TEXT NOT NULL,
                device TEXT NOT NULL,
                PRIMARY KEY (instance_id, group_id, device)
            )
            """,
        ]
    }
}
