extension Migration {
    /// Settings, plans, tenants, their API keys, instances, messages (the send queue and what
    /// arrived), uploaded media, and link attempts (for the per-hour limit).
    public static let gatewayCore = Migration(version: 1, name: "gateway core") { dialect in
        let bigint = dialect.bigint
        let blob = dialect.blob
        return [
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE plans (
                name TEXT PRIMARY KEY,
                max_instances INTEGER NOT NULL,
                link_attempts_per_hour INTEGER NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL)
            """,
            """
            INSERT INTO plans (name, max_instances, link_attempts_per_hour, created_at, updated_at)
            VALUES ('free', 1, 10, 0, 0), ('business', 3, 10, 0, 0), ('enterprise', 10, 10, 0, 0)
            """,
            """
            CREATE TABLE tenants (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                plan TEXT NOT NULL REFERENCES plans (name),
                created_at \(bigint) NOT NULL)
            """,
            "CREATE INDEX tenants_by_creation ON tenants (created_at, id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                hash \(blob) NOT NULL UNIQUE,
                created_at \(bigint) NOT NULL,
                revoked_at \(bigint),
                last_used_at \(bigint))
            """,
            "CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at)",
            """
            CREATE TABLE instances (
                id TEXT PRIMARY KEY,
                tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                desired_state TEXT NOT NULL,
                status TEXT NOT NULL,
                status_since \(bigint) NOT NULL,
                last_error_code TEXT,
                last_error TEXT,
                last_error_at \(bigint),
                phone_number TEXT,
                jid TEXT,
                lid TEXT,
                platform TEXT,
                created_at \(bigint) NOT NULL,
                UNIQUE (tenant_id, name))
            """,
            "CREATE INDEX instances_by_tenant ON instances (tenant_id, created_at, id)",
            """
            CREATE TABLE link_attempts (
                instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
                at \(bigint) NOT NULL)
            """,
            "CREATE INDEX link_attempts_by_instance ON link_attempts (instance_id, at)",
            """
            CREATE TABLE media_uploads (
                id TEXT PRIMARY KEY,
                instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
                mimetype TEXT NOT NULL,
                file_name TEXT,
                size \(bigint) NOT NULL,
                sha256 \(blob) NOT NULL,
                data \(blob) NOT NULL,
                created_at \(bigint) NOT NULL)
            """,
            """
            CREATE TABLE messages (
                seq \(dialect.autoIncrementPrimaryKey),
                instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                direction TEXT NOT NULL,
                chat TEXT NOT NULL,
                sender TEXT NOT NULL,
                type TEXT NOT NULL,
                text TEXT,
                content TEXT NOT NULL,
                quoted_id TEXT,
                request \(blob),
                media TEXT,
                status TEXT NOT NULL,
                failure_reason TEXT,
                idempotency_key TEXT,
                request_hash \(blob),
                attempts INTEGER NOT NULL DEFAULT 0,
                message_time \(bigint) NOT NULL,
                created_at \(bigint) NOT NULL,
                updated_at \(bigint) NOT NULL,
                UNIQUE (instance_id, direction, chat, sender, id),
                UNIQUE (instance_id, idempotency_key))
            """,
            "CREATE INDEX messages_by_id ON messages (instance_id, id)",
            "CREATE INDEX messages_queue ON messages (instance_id, status, seq)",
        ]
    }
}
