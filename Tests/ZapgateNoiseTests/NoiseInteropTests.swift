import Foundation
import Logging
import Testing
import ZapgateCrypto
import ZapgateNoise
import ZapgateProto
import ZapgateTestSupport

/// Our initiator and responder against dissononce (Oracles/noise_oracle.py) over a WebSocket on
/// 127.0.0.1. These fail, not skip, when the oracle venv is missing.
@Suite("Noise interop with dissononce", .serialized, .timeLimit(.minutes(1)))
struct NoiseInteropTests {
    let noiseKey = Curve25519KeyPair.generate()

    /// Starts the oracle's responder and returns it with its port and root key.
    func oracleServer(_ flags: [String] = []) async throws -> (AsyncOracle, Int, Data) {
        let oracle = try AsyncOracle(arguments: ["serve", "--greetings", "2"] + flags)
        let ready = try await oracle.nextObject()
        let port = try #require(ready["port"] as? Int)
        let rootHex = try #require(ready["root_public"] as? String)
        let root = try #require(Data(hex: rootHex))
        return (oracle, port, root)
    }

    func client(port: Int, root: Data, routingInfo: Data? = nil, timeout: Duration = .seconds(10))
        -> NoiseWebSocketClient
    {
        NoiseWebSocketClient(
            noiseKey: noiseKey,
            configuration: .init(
                url: "ws://127.0.0.1:\(port)/ws/chat",
                origin: "http://127.0.0.1",
                routingInfo: routingInfo,
                verifier: NoiseCertificateVerifier(trustedRootKey: root),
                handshakeTimeout: timeout
            )
        )
    }

    @Test(
        "our initiator completes a handshake with dissononce's responder and exchanges frames",
        arguments: [[], ["--chop"]])
    func ourInitiator(flags: [String]) async throws {
        let (oracle, port, root) = try await oracleServer(flags)
        let sent = (0..<4).map { Data("frame-\($0)") } + [Data(repeating: 0x33, count: 200_000)]
        let received = try await client(port: port, root: root, routingInfo: Data([0xAA, 0xBB]))
            .connect(clientPayload: try SampleClientPayload.bytes) { connection in
                var frames: [Data] = []
                for frame in sent { try await connection.send(frame) }
                for try await frame in connection.frames {
                    frames.append(frame)
                    if frames.count == 2 + sent.count { break }
                }
                try await connection.send(Data("close"))
                return frames
            }
        #expect(received == [Data("greeting-0"), Data("greeting-1")] + sent.map { Data("echo:") + $0 })

        let report = try await oracle.nextObject()
        #expect(report["ok"] as? Bool == true, "\(report)")
        #expect(report["client_static"] as? String == noiseKey.publicKey.hex)
        #expect(report["client_payload"] as? String == (try SampleClientPayload.bytes).hex)
        #expect(report["origin"] as? String == "http://127.0.0.1")
        #expect(report["path"] as? String == "/ws/chat")
        #expect(report["routing_info"] as? String == "aabb")
        #expect(report["received"] as? [String] == (sent + [Data("close")]).map(\.hex))
        let fields = try #require(report["client_payload_fields"] as? [String: Any])
        #expect(fields["username"] as? Int == 15_551_234_567)
        #expect(fields["platform"] as? Int == 14)
        #expect(fields["passive"] as? Int == 1)
    }

    @Test("our initiator refuses dissononce's chain when it trusts another root")
    func ourInitiatorRefuses() async throws {
        let (oracle, port, _) = try await oracleServer()
        defer { withExtendedLifetime(oracle) {} }
        await #expect(throws: NoiseConnectionError.handshake(.certificate(.intermediateSignatureInvalid))) {
            try await client(port: port, root: NoiseConstants.whatsAppRootPublicKey)
                .connect(clientPayload: try SampleClientPayload.bytes) { _ in }
        }
    }

    @Test("our initiator refuses dissononce's expired chain")
    func ourInitiatorRefusesExpired() async throws {
        let (oracle, port, root) = try await oracleServer(["--expired"])
        defer { withExtendedLifetime(oracle) {} }
        await #expect {
            try await client(port: port, root: root).connect(clientPayload: try SampleClientPayload.bytes) {
                _ in
            }
        } throws: { error in
            guard case NoiseConnectionError.handshake(.certificate(.intermediateExpired)) = error else {
                return false
            }
            return true
        }
    }

    @Test("a tampered frame from dissononce ends our frames with a transport error naming its counter")
    func tamperedFrame() async throws {
        let (oracle, port, root) = try await oracleServer(["--tamper"])
        defer { withExtendedLifetime(oracle) {} }
        let received = try await client(port: port, root: root).connect(
            clientPayload: try SampleClientPayload.bytes
        ) { connection in
            var frames: [Data] = []
            await #expect(throws: NoiseConnectionError.transport(.authenticationFailed(counter: 1))) {
                for try await frame in connection.frames { frames.append(frame) }
            }
            await #expect(throws: NoiseConnectionError.closed) { try await connection.send(Data("more")) }
            return frames
        }
        #expect(received == [Data("greeting-0")])
    }

    @Test("our initiator gives up on a responder that never answers")
    func handshakeTimeout() async throws {
        let (oracle, port, root) = try await oracleServer(["--stall"])
        defer { withExtendedLifetime(oracle) {} }
        let started = ContinuousClock.now
        await #expect(throws: NoiseConnectionError.handshakeTimedOut) {
            try await client(port: port, root: root, timeout: .milliseconds(500))
                .connect(clientPayload: try SampleClientPayload.bytes) { _ in }
        }
        // Only a hang fails it: a starved machine stretches any tighter bound.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test(
        "dissononce's initiator completes a handshake with our responder and exchanges frames",
        arguments: [nil, "0102030405"])
    func theirInitiator(routingInfo: String?) async throws {
        let pki = TestPKI()
        let recorder = EchoRecorder(greetings: 2)
        let server = NoiseWebSocketServer(identity: try pki.identity, logger: .quiet) {
            try await recorder.handle($0)
        }
        let result = try jsonObject(
            try await withServer(server) { port in
                var arguments = [
                    "connect", "--port", "\(port)", "--root-public", pki.authority.rootPublicKey.hex,
                    "--frames", "4", "--expect", "6",
                ]
                if let routingInfo { arguments += ["--routing-info", routingInfo] }
                let oracle = try AsyncOracle(arguments: arguments)
                return try await oracle.nextLine()
            })
        #expect(result["ok"] as? Bool == true, "\(result)")
        #expect(result["server_static"] as? String == pki.serverStatic.publicKey.hex)
        let expected = ["greeting-0", "greeting-1"] + (0..<4).map { "echo:frame-\($0)" }
        #expect(result["received"] as? [String] == expected.map { Data($0).hex })

        let seen = recorder.snapshot
        #expect(seen.frames == (0..<4).map { Data("frame-\($0)") })
        let session = try #require(seen.sessions.first)
        #expect(session.remoteStaticKey.hex == result["client_static"] as? String)
        #expect(session.routingInfo?.hex == routingInfo)
        #expect(session.origin == NoiseConstants.defaultOrigin, "the oracle sends the web client's Origin")
        let payload = try #require(session.clientPayload)
        #expect(payload.username == 15_551_234_567)
        #expect(payload.passive)
        #expect(payload.pull)
        #expect(payload.device == 3)
        #expect(payload.userAgent.platform == .web)
        #expect(payload.userAgent.device == "Desktop")
        #expect(payload.connectType == .wifiUnknown)
        #expect(payload.connectReason == .userActivated)
    }

    @Test("our responder gives up on a client that never sends ClientHello")
    func serverHandshakeTimeout() async throws {
        let pki = TestPKI()
        let recorder = EchoRecorder()
        let server = NoiseWebSocketServer(
            identity: try pki.identity,
            configuration: .init(handshakeTimeout: .milliseconds(300)),
            logger: .quiet
        ) { try await recorder.handle($0) }
        let result = try jsonObject(
            try await withServer(server) { port in
                let oracle = try AsyncOracle(arguments: [
                    "connect", "--port", "\(port)", "--root-public", pki.authority.rootPublicKey.hex,
                    "--stall",
                ])
                return try await oracle.nextLine()
            })
        #expect(result["ok"] as? Bool == true, "\(result)")
        #expect(result["close_code"] as? Int == 1002, "closed as a protocol error")
        let seconds = try #require(result["closed_after"] as? Double)
        #expect(seconds > 0.2 && seconds < 5)
        #expect(recorder.snapshot.sessions.isEmpty)
    }

    @Test("dissononce's initiator, checking like whatsmeow, refuses our chain under another root")
    func theirInitiatorRefuses() async throws {
        let pki = TestPKI()
        let server = NoiseWebSocketServer(identity: try pki.identity, logger: .quiet) { _ in }
        let result = try jsonObject(
            try await withServer(server) { port in
                let oracle = try AsyncOracle(arguments: [
                    "connect", "--port", "\(port)", "--root-public", NoiseConstants.whatsAppRootPublicKey.hex,
                ])
                return try await oracle.nextLine()
            })
        #expect(result["ok"] as? Bool == false)
        #expect(result["error"] as? String == "cert: intermediate signature invalid")
    }

    @Test("dissononce's initiator refuses our chain when it has expired")
    func theirInitiatorRefusesExpired() async throws {
        let pki = TestPKI()
        let chain = try pki.authority.issueChain(
            for: pki.serverStatic.publicKey,
            notBefore: Date(timeIntervalSinceNow: -7200),
            notAfter: Date(timeIntervalSinceNow: -3600)
        )
        let identity = NoiseServerIdentity(staticKey: pki.serverStatic, certificateChain: chain)
        let server = NoiseWebSocketServer(identity: identity, logger: .quiet) { _ in }
        let result = try jsonObject(
            try await withServer(server) { port in
                let oracle = try AsyncOracle(arguments: [
                    "connect", "--port", "\(port)", "--root-public", pki.authority.rootPublicKey.hex,
                ])
                return try await oracle.nextLine()
            })
        #expect(result["error"] as? String == "cert: intermediate certificate expired")
    }
}
