import Foundation
import Testing
import ZapgateSimulator
import ZapgateTestSupport

/// The simulator serving `wss://` with a certificate made for this run, judged by the companion
/// oracle (Python's `ssl` over `websockets`), since our own engine client cannot dial TLS to
/// 127.0.0.1 with a private CA. These fail, not skip, when the venv or `openssl` is missing.
@Suite("TLS interop", .serialized, .timeLimit(.minutes(2)))
struct TLSInteropTests {
    @Test("a companion trusting only the simulator's self-signed certificate links by QR over wss")
    func linkOverTLS() async throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        try await InteropSimulator.serving(.init(tls: certificate.files)) { simulator, url in
            let phone = try await simulator.phone(CompanionInteropTests.phoneNumber)
            let oracle = try CompanionInteropTests.companion(
                "link", url: try Self.secure(url), simulator: simulator,
                [
                    "--prekeys", String(CompanionInteropTests.preKeys), "--ca-file",
                    certificate.certificatePath,
                ])
            defer { oracle.close() }

            let qr = try await CompanionInteropTests.expect("qr", from: oracle)
            let device = try await phone.scan(try #require(qr.string("qr")))
            try await CompanionInteropTests.expectPairing(oracle, linked: device, phone: phone)
            try await CompanionInteropTests.expectLogin(
                oracle, phone: phone, preKeysBefore: 0, preKeysAfter: CompanionInteropTests.preKeys)
            #expect(await oracle.exitStatus(timeout: .seconds(30)) == 0, "\(oracle.stderrText.suffix(6000))")
            #expect(await simulator.device(device.jid)?.preKeyCount == CompanionInteropTests.preKeys)
        }
    }

    /// A refusal here shows both that the port speaks TLS (a certificate was presented and
    /// judged) and that the oracle verifies it rather than accepting anything.
    @Test("a companion using the default trust store refuses the self-signed certificate")
    func defaultTrustRefusesSelfSigned() async throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        try await InteropSimulator.serving(.init(tls: certificate.files)) { simulator, url in
            let oracle = try CompanionInteropTests.companion(
                "link", url: try Self.secure(url), simulator: simulator, [])
            defer { oracle.close() }

            let refused = try await CompanionInteropTests.expect("error", from: oracle)
            #expect(refused.string("reason") == "tls-verification", "\(refused)")
            #expect(refused.string("detail")?.isEmpty == false, "\(refused)")
            #expect(await oracle.exitStatus(timeout: .seconds(30)) == 1)
            #expect(await simulator.onlineCount() == 0)
            #expect(await simulator.devices().isEmpty)
        }
    }
}

extension TLSInteropTests {
    /// Why a TLS test could not be set up.
    enum Failure: Error, CustomStringConvertible {
        case opensslMissing
        case opensslFailed(status: Int32, output: String)
        case unexpectedURL(String)

        var description: String {
            switch self {
            case .opensslMissing:
                "openssl is not on PATH; run scripts/setup.sh --test to install it"
            case .opensslFailed(let status, let output):
                "openssl exited with status \(status):\n\(output)"
            case .unexpectedURL(let url):
                "expected a ws:// URL from InteropSimulator, got \(url)"
            }
        }
    }

    /// The same address with the `wss` scheme: `InteropSimulator` names every server `ws://`,
    /// but the port it reports serves TLS when the configuration asks for it.
    static func secure(_ url: String) throws -> String {
        let plain = "ws://"
        guard url.hasPrefix(plain) else { throw Failure.unexpectedURL(url) }
        return "wss://" + url.dropFirst(plain.count)
    }

    /// A P-256 key and a self-signed certificate for `127.0.0.1` (as an IP SAN, which is what a
    /// verifying client matches), made by Debian's `openssl` in a folder of its own.
    struct SelfSignedCertificate {
        let directory: URL
        var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
        var keyPath: String { directory.appendingPathComponent("key.pem").path }
        var files: SimulatorConfiguration.TLSFiles {
            .init(certificatePath: certificatePath, privateKeyPath: keyPath)
        }

        init() throws {
            guard let openssl = Self.findOnPath("openssl") else { throw Failure.opensslMissing }
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("zapgate-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            do {
                try Self.run(
                    openssl,
                    [
                        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", keyPath, "-out", certificatePath,
                    ])
            } catch {
                remove()
                throw error
            }
        }

        func remove() {
            try? FileManager.default.removeItem(at: directory)
        }

        private static func findOnPath(_ name: String) -> URL? {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            return path.split(separator: ":")
                .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }

        private static func run(_ executable: URL, _ arguments: [String]) throws {
            let process = Process()
            let output = Pipe()
            process.executableURL = executable
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = output
            try process.run()
            // Drained before waiting so a chatty openssl cannot block on a full pipe.
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Failure.opensslFailed(status: process.terminationStatus, output: text)
            }
        }
    }
}
