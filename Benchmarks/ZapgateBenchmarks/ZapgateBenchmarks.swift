import Foundation

/// Measures the protocol layers' hot paths and prints a Markdown table for BENCHMARKS.md.
///
/// Run in release mode: `swift run -c release ZapgateBenchmarks` for the protocol layers,
/// `… ZapgateBenchmarks linking [N]` for logging in N stored devices (default 1,000),
/// `… ZapgateBenchmarks media` for media encryption and decryption throughput,
/// `… ZapgateBenchmarks messaging [N]` for messages per second between two engines.
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
        case "engine-child":
            guard let file = arguments.dropFirst().first else { throw BenchmarkError.notLinked }
            try await EngineChild.run(file: file)
        default:
            try layers()
        }
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
