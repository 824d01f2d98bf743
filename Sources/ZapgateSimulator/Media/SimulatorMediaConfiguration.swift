/// How the simulator's media server behaves. It serves on the chat socket's port, so the
/// host it names in `<media_conn>` is `127.0.0.1:<port>` unless ``advertisedHost`` says
/// otherwise.
public struct SimulatorMediaConfiguration: Sendable {
    /// How long an upload token stays valid. `<media_conn ttl>` announces what is left of it,
    /// and a token with less than half its life left is replaced by a fresh one.
    public var tokenLifetime: Duration
    /// The largest body one upload may carry; larger ones get 413.
    public var maximumBlobSize: Int
    /// The bytes kept in memory across all blobs; the oldest blobs are dropped to make room.
    public var maximumStoredBytes: Int
    /// The `<max_buckets>` the answer announces (clients read it and ignore it).
    public var maximumBuckets: Int
    /// The `host[:port]` clients are told to use; nil names the listening address and port
    /// (127.0.0.1 when listening on every interface).
    public var advertisedHost: String?

    public init(
        tokenLifetime: Duration = .seconds(300),
        maximumBlobSize: Int = 64 << 20,
        maximumStoredBytes: Int = 512 << 20,
        maximumBuckets: Int = 12,
        advertisedHost: String? = nil
    ) {
        self.tokenLifetime = tokenLifetime
        self.maximumBlobSize = maximumBlobSize
        self.maximumStoredBytes = maximumStoredBytes
        self.maximumBuckets = maximumBuckets
        self.advertisedHost = advertisedHost
    }
}
