import Foundation

/// Measures the protocol layers' hot paths and prints a Markdown table for BENCHMARKS.md.
///
/// Run in release mode: `swift run -c release ZapgateBenchmarks`.
@main
struct ZapgateBenchmarks {
    static func main() throws {
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
