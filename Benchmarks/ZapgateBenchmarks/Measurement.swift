/// One benchmark's result: how many operations ran, how long they took, how many bytes they moved.
struct Measurement {
    let name: String
    let operations: Int
    let bytes: Int
    let seconds: Double

    var operationsPerSecond: Double { Double(operations) / seconds }
    var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }

    /// A Markdown table row: name, ops/s, MB/s (blank when no bytes are counted).
    var row: String {
        let rate = Int(operationsPerSecond.rounded())
        let throughput = bytes > 0 ? String(format: "%.1f", megabytesPerSecond) : ""
        return "| \(name) | \(rate) | \(throughput) |"
    }
}

/// Runs `body` repeatedly: a short warm-up, then batches until at least `minimumSeconds` have
/// passed, so fast and slow operations both get a stable figure.
func measure(
    _ name: String,
    bytesPerOperation: Int = 0,
    minimumSeconds: Double = 2,
    _ body: () throws -> Void
) rethrows -> Measurement {
    let clock = ContinuousClock()
    for _ in 0..<10 { try body() }
    var operations = 0
    var batch = 1
    let start = clock.now
    var elapsed = 0.0
    while elapsed < minimumSeconds {
        for _ in 0..<batch { try body() }
        operations += batch
        batch = min(batch * 2, 4096)
        let duration = clock.now - start
        elapsed = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    return Measurement(
        name: name, operations: operations, bytes: operations * bytesPerOperation, seconds: elapsed)
}
