extension Migration {
    /// The event log (a sequence per instance), webhook subscriptions, and their deliveries
    /// with every attempt made.
    public static let events = Migration(version: 3, name: "events and webhooks") { dialect in
        let bigint = dialect.bigint
        let blob = dialect.blob
        return [
            // One row per instance holding its last event number. Taking the next number
            // locks this row until the appending transaction commits, so events of one
            // instance become visible in number order and a reader never skips one.
            "CREATE TABLE event_sequences (instance_id TEXT PRIMARY KEY, last_seq \(bigint) NOT NULL)",
            """
            CREATE TABLE events (
                instance_id TEXT NOT NULL,
                seq \(bigint) NOT NULL,
                tenant_id TEXT NOT NULL,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at \(bigint) NOT NULL,
                PRIMARY KEY (instance_id, seq))
            """,
            "CREATE INDEX events_by_time ON events (created_at)",
            """
            CREATE TABLE webhooks (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                instance_id TEXT REFERENCES instances (id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                description TEXT,
                secret \(blob) NOT NULL,
                enabled INTEGER NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL)
            """,
            "CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, created_at, id)",
            """
            CREATE TABLE webhook_deliveries (
                webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
                instance_id TEXT NOT NULL,
                seq \(bigint) NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                round_attempts INTEGER NOT NULL,
                round_started_at \(bigint) NOT NULL,
                next_attempt_at \(bigint) NOT NULL,
                last_status INTEGER,
                last_error TEXT,
                delivered_at \(bigint),
                parked_at \(bigint),
                updated_at \(bigint) NOT NULL,
                PRIMARY KEY (webhook_id, instance_id, seq))
            """,
            "CREATE INDEX webhook_deliveries_by_state ON webhook_deliveries (state, webhook_id, instance_id, seq)",
            // Pruning asks whether any delivery still refers to an event.
            "CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (instance_id, seq)",
            """
            CREATE TABLE webhook_attempts (
                webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
                instance_id TEXT NOT NULL,
                seq \(bigint) NOT NULL,
                attempt INTEGER NOT NULL,
                started_at \(bigint) NOT NULL,
                status_code INTEGER,
                error TEXT,
                latency_ms INTEGER NOT NULL,
                PRIMARY KEY (webhook_id, instance_id, seq, attempt))
            """,
        ]
    }
}
