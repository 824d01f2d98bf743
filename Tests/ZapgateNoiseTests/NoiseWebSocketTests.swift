import Foundation
import Logging
import Synchronization
import Testing
import ZapgateCrypto
import ZapgateNoise
import ZapgateProto
import ZapgateTestSupport

/// A server handler that greets, then echoes every frame as "echo:" + frame, and records what
/// it saw.
final class EchoRecorder: Sendable {
    struct Seen: Sendable {
        var sessions: [NoiseSessionInfo] = []
        var frames: [Data] = []
        var errors: [String] = []
    }

    let greetings: Int
    private let seen = Mutex(Seen())

    init(greetings: Int = 2) { self.greetings = greetings }

    var snapshot: Seen { seen.withLock { $0 } }

    func handle(_ connection: NoiseConnection) async throws {
        seen.withLock { $0.sessions.append(connection.session) }
        for index in 0..<greetings { try await connection.send(Data("greeting-\(index)")) }
        do {
            for try await frame in connection.frames {
                seen.withLock { $0.frames.append(frame) }
                if frame == Data("close") { return }
                try await connection.send(Data("echo:") + frame)
            }
        } catch {
            seen.withLock { $0.errors.append("\(error)") }
            throw error
        }
    }
}

/// Our client against our server over a real WebSocket on 127.0.0.1.
@Suite("WebSocket loopback", .serialized, .timeLimit(.minutes(1)))
struct NoiseWebSocketTests {
    let pki = TestPKI()
    let noiseKey = Curve25519KeyPair.generate()

    func client(port: Int, verifier: NoiseCertificateVerifier? = nil, routingInfo: Data? = nil)
        -> NoiseWebSocketClient
    {
        NoiseWebSocketClient(
            noiseKey: noiseKey,
            configuration: .init(
                url: "ws://127.0.0.1:\(port)/ws/chat",
                origin: "http://127.0.0.1",
                routingInfo: routingInfo,
                verifier: verifier ?? pki.verifier,
                handshakeTimeout: .seconds(5)
            )
        )
    }

    func server(_ recorder: EchoRecorder) throws -> NoiseWebSocketServer {
        NoiseWebSocketServer(identity: try pki.identity, logger: .quiet) { try await recorder.handle($0) }
    }

    @Test("handshake, greetings, echoes of several frames, and a clean close")
    func roundTrip() async throws {
        let recorder = EchoRecorder()
        let sent = (0..<5).map { Data("frame-\($0)") } + [Data(repeating: 0x5A, count: 1 << 20)]
        let received = try await withServer(try server(recorder)) { port in
            try await client(port: port, routingInfo: Data([0x01, 0x02])).connect(
                clientPayload: try SampleClientPayload.bytes
            ) { connection in
                #expect(connection.session.remoteStaticKey == pki.serverStatic.publicKey)
                #expect(connection.session.serverCertificates?.intermediate.serial == 7)
                for frame in sent { try await connection.send(frame) }
                var frames: [Data] = []
                for try await frame in connection.frames {
                    frames.append(frame)
                    if frames.count == recorder.greetings + sent.count { break }
                }
                return frames
            }
        }
        #expect(received == [Data("greeting-0"), Data("greeting-1")] + sent.map { Data("echo:") + $0 })
        let seen = recorder.snapshot
        #expect(seen.frames == sent)
        let session = try #require(seen.sessions.first)
        #expect(session.remoteStaticKey == noiseKey.publicKey)
        #expect(session.clientPayload == SampleClientPayload.message)
        #expect(session.routingInfo == Data([0x01, 0x02]))
        #expect(session.origin == "http://127.0.0.1")
        #expect(seen.errors.isEmpty)
    }

    @Test("a frame too large to send is refused without using up its counter")
    func oversizedSendKeepsCountersInStep() async throws {
        let recorder = EchoRecorder(greetings: 0)
        let echoed = try await withServer(try server(recorder)) { port in
            try await client(port: port).connect(clientPayload: try SampleClientPayload.bytes) { connection in
                // Sealing adds a 16-byte tag, so this payload no longer fits a 3-byte length.
                let tooLarge = Data(count: NoiseConstants.maximumFrameLength - 10)
                await #expect(throws: NoiseConnectionError.self) { try await connection.send(tooLarge) }
                try await connection.send(Data("after"))
                var iterator = connection.frames.makeAsyncIterator()
                return try await iterator.next()
            }
        }
        #expect(echoed == Data("echo:after"))
        #expect(recorder.snapshot.errors.isEmpty)
    }

    @Test("concurrent sends arrive intact and in counter order")
    func concurrentSends() async throws {
        let recorder = EchoRecorder(greetings: 0)
        try await withServer(try server(recorder)) { port in
            try await client(port: port).connect(clientPayload: try SampleClientPayload.bytes) { connection in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<100 {
                        group.addTask { try await connection.send(Data("concurrent-\(index)")) }
                    }
                    try await group.waitForAll()
                }
                var echoes = 0
                for try await _ in connection.frames {
                    echoes += 1
                    if echoes == 100 { break }
                }
            }
        }
        let frames = recorder.snapshot.frames
        #expect(frames.count == 100)
        #expect(Set(frames) == Set((0..<100).map { Data("concurrent-\($0)") }))
    }

    @Test("the server closing ends the client's frames; sending afterwards fails")
    func serverCloses() async throws {
        let recorder = EchoRecorder(greetings: 0)
        try await withServer(try server(recorder)) { port in
            try await client(port: port).connect(clientPayload: try SampleClientPayload.bytes) { connection in
                try await connection.send(Data("close"))
                for try await frame in connection.frames { Issue.record("unexpected frame \(frame)") }
                await #expect(throws: NoiseConnectionError.closed) { try await connection.send(Data("late")) }
            }
        }
        #expect(recorder.snapshot.frames == [Data("close")])
    }

    @Test("a client that trusts another root refuses the server, naming the check")
    func untrustedServer() async throws {
        let recorder = EchoRecorder()
        try await withServer(try server(recorder)) { port in
            await #expect(throws: NoiseConnectionError.handshake(.certificate(.intermediateSignatureInvalid)))
            {
                try await client(port: port, verifier: NoiseCertificateVerifier())
                    .connect(clientPayload: try SampleClientPayload.bytes) { _ in }
            }
        }
        #expect(recorder.snapshot.sessions.isEmpty)
    }

    @Test("the server refuses a ClientPayload that does not decode")
    func badPayload() async throws {
        let recorder = EchoRecorder()
        try await withServer(try server(recorder)) { port in
            try? await client(port: port).connect(clientPayload: Data([0xFF, 0xFF])) { connection in
                for try await _ in connection.frames {}
            }
        }
        #expect(recorder.snapshot.sessions.isEmpty)
    }

    @Test("the default configuration dials WhatsApp so that the Origin is the web client's")
    func originByScheme() throws {
        // The defaults are WhatsApp's URL and the web client's Origin (NoiseConstants holds them);
        // dialling rewrites only the scheme, so the derived Origin is exactly the configured one.
        let standard = NoiseWebSocketClient.Configuration()
        #expect(standard.url == NoiseConstants.defaultURL)
        #expect(standard.origin == NoiseConstants.defaultOrigin)
        let defaultPath = try #require(standard.url.range(of: "://").map { standard.url[$0.upperBound...] })
        #expect(try standard.dialURL() == "https://" + defaultPath)
        #expect(try standard.dialURL().hasPrefix(NoiseConstants.defaultOrigin + "/"))
        let secure = NoiseWebSocketClient.Configuration(
            url: "wss://chat.example.invalid/ws/chat", origin: "https://chat.example.invalid")
        #expect(try secure.dialURL() == "https://chat.example.invalid/ws/chat")
        let local = NoiseWebSocketClient.Configuration(
            url: "ws://127.0.0.1:9/ws/chat", origin: "http://127.0.0.1")
        #expect(try local.dialURL() == "http://127.0.0.1:9/ws/chat")
        let none = NoiseWebSocketClient.Configuration(url: "ws://127.0.0.1:9/ws/chat", origin: nil)
        #expect(try none.dialURL() == "ws://127.0.0.1:9/ws/chat")
        let impossible = NoiseWebSocketClient.Configuration(url: "ws://127.0.0.1:9/ws/chat")
        #expect(throws: NoiseConnectionError.self) { try impossible.dialURL() }
    }

    @Test("nothing listening: a typed connection error")
    func nothingListening() async throws {
        // Bind and release a port so that (very likely) nothing listens on it.
        let port = try await withServer(try server(EchoRecorder())) { $0 }
        await #expect(throws: NoiseConnectionError.self) {
            try await client(port: port).connect(clientPayload: try SampleClientPayload.bytes) { _ in }
        }
    }
}
