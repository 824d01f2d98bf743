import Foundation
import ZapgateEngine
import ZapgateNoise
import ZapgateSimulator

/// A simulator serving on 127.0.0.1 for one benchmark run, and an engine configuration that
/// trusts it.
struct BenchmarkSimulator {
    let simulator: Simulator
    let server: Task<Void, any Error>
    let url: String
    let configuration: DeviceSessionConfiguration

    static func start() async throws -> BenchmarkSimulator {
        let simulator = try Simulator()
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            try await simulator.run { port in
                signal.yield(port)
                signal.finish()
            }
        }
        var ports = listening.makeAsyncIterator()
        guard let port = await ports.next() else {
            server.cancel()
            throw BenchmarkError.simulatorDidNotStart
        }
        let url = "ws://127.0.0.1:\(port)/ws/chat"
        var verifier = NoiseCertificateVerifier()
        verifier.trustedRootKey = simulator.rootPublicKey
        var configuration = DeviceSessionConfiguration(
            noise: .init(url: url, origin: nil, verifier: verifier))
        configuration.media.scheme = "http"
        return BenchmarkSimulator(
            simulator: simulator, server: server, url: url, configuration: configuration)
    }
}
