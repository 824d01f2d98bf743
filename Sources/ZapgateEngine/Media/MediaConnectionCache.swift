import ZapgateProtocol

/// The last `<media_conn>` answer and until when it may be used, plus the request in flight,
/// so concurrent transfers share one query.
struct MediaConnectionCache {
    var connection: MediaConnection?
    var expires: ContinuousClock.Instant?
    var inFlight: Task<MediaConnection, any Error>?

    /// The cached answer if its ttl has not run out.
    func current(at now: ContinuousClock.Instant) -> MediaConnection? {
        guard let connection, let expires, now < expires else { return nil }
        return connection
    }

    mutating func store(_ connection: MediaConnection, fetchedAt now: ContinuousClock.Instant) {
        self.connection = connection
        expires = now + .seconds(connection.ttl)
    }

    mutating func forget() {
        connection = nil
        expires = nil
    }
}
