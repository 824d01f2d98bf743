import Foundation
import Logging
import SwiftProtobuf
import ZapgateCrypto
import ZapgateNoise
import ZapgateProto
import ZapgateTestSupport

/// Fixed points in time for certificate checks.
enum TestClock {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let fixed: @Sendable () -> Date = { now }
}

/// A certificate authority, a server identity it certified, and a verifier that trusts it.
struct TestPKI {
    let authority = NoiseCertificateAuthority(intermediateSerial: 7)
    let serverStatic = Curve25519KeyPair.generate()

    var identity: NoiseServerIdentity {
        get throws { try NoiseServerIdentity(authority: authority, staticKey: serverStatic) }
    }

    var verifier: NoiseCertificateVerifier {
        NoiseCertificateVerifier(trustedRootKey: authority.rootPublicKey)
    }
}

enum SampleClientPayload {
    /// A login payload like whatsmeow's: username, passive, web user agent, Wi-Fi, device 3.
    static var message: WAClientPayload {
        var payload = WAClientPayload()
        payload.username = 15_551_234_567
        payload.passive = true
        payload.pull = true
        payload.device = 3
        payload.userAgent.platform = .web
        payload.connectType = .wifiUnknown
        payload.connectReason = .userActivated
        return payload
    }

    static var bytes: Data {
        get throws { try message.serializedData() }
    }
}

extension Data {
    init(_ string: String) { self = Data(string.utf8) }
}

extension Logger {
    /// Servers stopped by cancellation log an error; tests do that on purpose.
    static var quiet: Logger {
        var logger = Logger(label: "zapgate.noise.test")
        logger.logLevel = .critical
        return logger
    }
}

/// Runs `server` until `body` finishes, giving `body` the port it listens on.
@discardableResult
func withServer<Result: Sendable>(
    _ server: NoiseWebSocketServer,
    _ body: @Sendable (Int) async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Void.self) { group in
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        group.addTask {
            try await server.run { port in
                portSink.yield(port)
                portSink.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("server did not start") }
        do {
            let result = try await body(port)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An oracle process whose blocking reads run off Swift's cooperative threads, so a test
/// waiting for the oracle cannot starve the sessions it is talking to.
final class AsyncOracle: @unchecked Sendable {
    // OracleProcess is not thread-safe; every use below is serialised on `queue`.
    private let process: OracleProcess
    private let queue = DispatchQueue(label: "noise-oracle")

    init(arguments: [String]) throws {
        process = try OracleProcess(script: "noise_oracle.py", environment: .signal, arguments: arguments)
    }

    /// The next JSON object the oracle prints.
    func nextObject() async throws -> [String: Any] {
        try jsonObject(try await nextLine())
    }

    /// The next line the oracle prints.
    func nextLine() async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    continuation.resume(returning: try self.process.readLine())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// Parses one line of oracle output.
func jsonObject(_ line: Data) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
        throw TestFailure(
            "oracle printed something other than a JSON object: \(String(decoding: line, as: UTF8.self))")
    }
    return object
}
