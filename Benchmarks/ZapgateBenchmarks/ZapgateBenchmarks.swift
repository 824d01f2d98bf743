import Foundation

/// Measures the wire layer's hot paths and prints a Markdown table for BENCHMARKS.md.
///
/// Run in release mode: `swift run -c release ZapgateBenchmarks`.
@main
struct ZapgateBenchmarks {
    static func main() throws {
        var results: [Measurement] = []
        results += try CryptoBenchmarks.run()
        results += try NodeBenchmarks.run()
        results += try NoiseBenchmarks.run()
        print("| benchmark | ops/s | MB/s |")
        print("|---|---:|---:|")
        for result in results { print(result.row) }
    }
}
