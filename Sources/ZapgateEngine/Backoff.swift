/// Reconnect delays: exponential, capped, with "equal jitter" (half fixed, half random) so a
/// fleet of sessions that lost the same server does not return in lockstep. The gateway's
/// send queue paces its retries with it too.
public enum Backoff {
    /// The delay before retry number `attempt` (from 0).
    public static func delay(attempt: Int, initial: Duration, maximum: Duration) -> Duration {
        let factor = 1 << min(attempt, 20)
        let capped = min(initial * factor, maximum)
        let half = capped / 2
        return half + half * Double.random(in: 0...1)
    }
}
