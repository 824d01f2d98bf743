import Foundation

/// Measures the protocol layers' hot paths and prints a Markdown table for BENCHMARKS.md.
///
/// Run in release mode: `swift run -c release ZapgateBenchmarks` for the protocol layers,
/// `… ZapgateBenchmarks linking [N]` for logging in N stored devices (default 1,000),
/// `… ZapgateBenchmarks media` for media encryption and decryption throughput,
/// `… ZapgateBenchmarks messaging [N]` for messages per second between two engines,
/// `… ZapgateBenchmarks gateway-throughput [N] [--clients C] [--database-url URL]` for accepted →
/// acknowledged messages per second through the gateway's HTTP API,
/// `… ZapgateBenchmarks gateway-webhooks [--rate R] [--latency-count N] [--backlog B] [--database-url URL]`
/// for inbound message → webhook POST latency and events per second to a fast receiver,
/// `… ZapgateBenchmarks gateway-memory [N] [--database-url URL] [--prekeys P] [--concurrency C]`
/// for the gateway's resident memory per connected instance.
@main
struct ZapgateBenchmarks {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        switch arguments.first {
        case "linking":
            try await LinkingBenchmark.run(
                deviceCount: arguments.dropFirst().first.flatMap { Int($0) } ?? 1000)
        case "messaging":
            try await MessagingBenchmark.run(count: arguments.dropFirst().first.flatMap { Int($0) } ?? 2000)
        case "media":
            let results = try MediaBenchmarks.run()
            print("| benchmark | ops/s | MB/s |")
            print("|---|---:|---:|")
            for result in results { print(result.row) }
        case "gateway-throughput":
            try await GatewayThroughputBenchmark.run(
                count: count(arguments) ?? 2000,
                clients: option("--clients", arguments).flatMap { Int($0) } ?? 8,
                databaseURL: option("--database-url", arguments))
        case "gateway-memory":
            try await GatewayMemoryBenchmark.run(
                count: count(arguments) ?? 1000, databaseURL: option("--database-url", arguments),
                preKeys: option("--prekeys", arguments).flatMap { Int($0) },
                concurrency: option("--concurrency", arguments).flatMap { Int($0) } ?? 20)
        case "gateway-webhooks":
            try await GatewayWebhookBenchmark.run(
                rate: option("--rate", arguments).flatMap { Double($0) } ?? 20,
                latencyCount: option("--latency-count", arguments).flatMap { Int($0) } ?? 600,
                backlog: option("--backlog", arguments).flatMap { Int($0) } ?? 2000,
                databaseURL: option("--database-url", arguments))
        case "gateway-child":
            try await GatewayChild.run()
        case "engine-child":
            guard let file = arguments.dropFirst().first else { throw BenchmarkError.notLinked }
            try await EngineChild.run(file: file)
        default:
            try layers()
        }
    }

    /// The count after the subcommand, when one is given.
    static func count(_ arguments: ArraySlice<String>) -> Int? {
        arguments.dropFirst().first.flatMap { Int($0) }
    }

    /// The value after `name`, as in `--clients 8`.
    static func option(_ name: String, _ arguments: ArraySlice<String>) -> String? {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.endIndex else { return nil }
        return arguments[index + 1]
    }

    static func layers() throws {
        var results: [Measurement] = []
        results += try CryptoBenchmarks.run()
        results += try NodeBenchmarks.run()
        results += try NoiseBenchmarks.run()
        let signal = try SignalBenchmarks.run()
        results += signal.results
        print("| benchmark | ops/s | MB/s |")
        print("|---|---:|---:|")
        for result in results { print(result.row) }
        print(
            "\nSerialised Signal session after 100 messages (50 each way): \(signal.sessionBytesAfter100) bytes"
        )
    }
}
