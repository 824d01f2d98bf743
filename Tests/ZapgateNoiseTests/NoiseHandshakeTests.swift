import Foundation
import SwiftProtobuf
import Testing
import ZapgateCrypto
import ZapgateNoise
import ZapgateProto
import ZapgateTestSupport

/// Our initiator against our responder, in memory.
@Suite("Handshake")
struct NoiseHandshakeTests {
    let pki = TestPKI()
    let noiseKey = Curve25519KeyPair.generate()

    struct Finished {
        var client: NoiseHandshakeOutcome
        var server: NoiseResponder.ClientFinish
        var serverHello: NoiseInitiator.ServerHello
    }

    func handshake(payload: Data? = nil) throws -> Finished {
        var initiator = NoiseInitiator(noiseKey: noiseKey, verifier: pki.verifier)
        var responder = NoiseResponder(identity: try pki.identity)
        let serverHello = try initiator.readServerHello(
            try responder.readClientHello(try initiator.makeClientHello()))
        let (finish, client) = try initiator.makeClientFinish(
            payload: try payload ?? SampleClientPayload.bytes)
        let server = try responder.readClientFinish(finish)
        return Finished(client: client, server: server, serverHello: serverHello)
    }

    @Test("both sides agree, learn each other's static keys, and the payload arrives decoded")
    func completes() throws {
        let done = try handshake()
        #expect(done.client.remoteStaticKey == pki.serverStatic.publicKey)
        #expect(done.server.outcome.remoteStaticKey == noiseKey.publicKey)
        #expect(done.client.handshakeHash == done.server.outcome.handshakeHash)
        #expect(done.serverHello.staticKey == pki.serverStatic.publicKey)
        #expect(done.serverHello.certificates.intermediate.serial == 7)
        #expect(done.server.payload == (try SampleClientPayload.bytes))
        #expect(done.server.clientPayload == SampleClientPayload.message)
    }

    @Test("transport frames flow both ways with independent counters")
    func transport() throws {
        var done = try handshake()
        for index in 0..<10 {
            let up = Data("client frame \(index)")
            #expect(
                try done.server.outcome.transport.receiver.open(try done.client.transport.sender.seal(up))
                    == up)
            if index % 3 == 0 {
                let down = Data("server frame \(index)")
                #expect(
                    try done.client.transport.receiver.open(
                        try done.server.outcome.transport.sender.seal(down))
                        == down)
            }
        }
        #expect(done.client.transport.sender.counter == 10)
        #expect(done.client.transport.receiver.counter == 4)
    }

    @Test("every initiator gets a fresh ephemeral key")
    func freshEphemeral() throws {
        var first = NoiseInitiator(noiseKey: noiseKey)
        var second = NoiseInitiator(noiseKey: noiseKey)
        #expect(try first.makeClientHello() != second.makeClientHello())
    }

    @Test("an initiator that trusts another root refuses the server")
    func untrustedServer() throws {
        var initiator = NoiseInitiator(noiseKey: noiseKey)  // WhatsApp's root
        var responder = NoiseResponder(identity: try pki.identity)
        let hello = try responder.readClientHello(try initiator.makeClientHello())
        #expect(throws: NoiseHandshakeError.certificate(.intermediateSignatureInvalid)) {
            try initiator.readServerHello(hello)
        }
    }

    @Test("a server whose chain certifies another key is refused")
    func chainForAnotherKey() throws {
        let identity = NoiseServerIdentity(
            staticKey: .generate(),
            certificateChain: try pki.authority.issueChain(for: pki.serverStatic.publicKey)
        )
        var initiator = NoiseInitiator(noiseKey: noiseKey, verifier: pki.verifier)
        var responder = NoiseResponder(identity: identity)
        let hello = try responder.readClientHello(try initiator.makeClientHello())
        #expect(throws: NoiseHandshakeError.certificate(.leafKeyMismatch)) {
            try initiator.readServerHello(hello)
        }
    }

    @Test("a tampered ServerHello does not decrypt", arguments: ["static", "payload"])
    func tamperedServerHello(field: String) throws {
        var initiator = NoiseInitiator(noiseKey: noiseKey, verifier: pki.verifier)
        var responder = NoiseResponder(identity: try pki.identity)
        var message = try WAHandshakeMessage(
            serializedBytes: try responder.readClientHello(try initiator.makeClientHello()))
        if field == "static" {
            message.serverHello.static[5] ^= 0x80
        } else {
            message.serverHello.payload[5] ^= 0x80
        }
        #expect(throws: NoiseHandshakeError.decryptionFailed) {
            try initiator.readServerHello(try message.serializedData())
        }
    }

    @Test("a tampered ClientFinish does not decrypt")
    func tamperedClientFinish() throws {
        var initiator = NoiseInitiator(noiseKey: noiseKey, verifier: pki.verifier)
        var responder = NoiseResponder(identity: try pki.identity)
        _ = try initiator.readServerHello(try responder.readClientHello(try initiator.makeClientHello()))
        var message = try WAHandshakeMessage(
            serializedBytes: try initiator.makeClientFinish(payload: try SampleClientPayload.bytes).message
        )
        message.clientFinish.payload[0] ^= 0x01
        #expect(throws: NoiseHandshakeError.decryptionFailed) {
            try responder.readClientFinish(try message.serializedData())
        }
    }

    @Test("the responder refuses a payload that is not a ClientPayload")
    func badClientPayload() throws {
        #expect {
            try handshake(payload: Data([0xFF, 0xFF, 0xFF]))
        } throws: { error in
            guard case NoiseHandshakeError.invalidClientPayload = error else { return false }
            return true
        }
    }

    @Test("messages out of order, of the wrong kind, or incomplete are refused")
    func protocolViolations() throws {
        var initiator = NoiseInitiator(noiseKey: noiseKey, verifier: pki.verifier)
        var responder = NoiseResponder(identity: try pki.identity)
        #expect(throws: NoiseHandshakeError.invalidState("ServerHello is not expected now")) {
            try initiator.readServerHello(Data())
        }
        #expect(throws: NoiseHandshakeError.invalidState("ClientFinish is not expected now")) {
            try responder.readClientFinish(Data())
        }
        let clientHello = try initiator.makeClientHello()
        #expect(throws: NoiseHandshakeError.unexpectedMessage(expected: "serverHello")) {
            try initiator.readServerHello(clientHello)
        }
        #expect(throws: NoiseHandshakeError.self) { try initiator.readServerHello(Data([0xFF])) }

        var short = WAHandshakeMessage()
        short.clientHello.ephemeral = Data(count: 31)
        #expect(throws: NoiseHandshakeError.invalidEphemeralKey(length: 31)) {
            try responder.readClientHello(try short.serializedData())
        }
        var partial = WAHandshakeMessage()
        partial.serverHello.ephemeral = Data(count: 32)
        #expect(throws: NoiseHandshakeError.missingField("serverHello.static")) {
            try initiator.readServerHello(try partial.serializedData())
        }
    }
}

/// Known answers from dissononce: with every key fixed, our messages and transport frames must
/// equal, byte for byte, what the oracle's (patched) dissononce produces.
@Suite("Handshake known answers (dissononce)")
struct NoiseHandshakeVectorTests {
    @Test("20 fixed-key handshakes match dissononce byte for byte")
    func matchesDissononce() throws {
        let oracle = try OracleProcess(
            script: "noise_oracle.py", environment: .signal, arguments: ["vectors"])
        for round in 0..<20 {
            let initiatorEphemeral = Curve25519KeyPair.generate()
            let noiseKey = Curve25519KeyPair.generate()
            let responderEphemeral = Curve25519KeyPair.generate()
            let authority = NoiseCertificateAuthority()
            let identity = try NoiseServerIdentity(authority: authority)
            let payload = try SampleClientPayload.bytes
            let clientFrames = (0..<3).map { Data("client frame \($0) of round \(round)") }
            let serverFrames = [Data("server frame"), Data(repeating: UInt8(round), count: 300)]

            let answer = try oracle.call([
                "initiator_ephemeral": initiatorEphemeral.privateKey.hex,
                "noise_key": noiseKey.privateKey.hex,
                "responder_ephemeral": responderEphemeral.privateKey.hex,
                "responder_static": identity.staticKey.privateKey.hex,
                "cert_chain": identity.certificateChain.serializedData().hex,
                "client_payload": payload.hex,
                "client_frames": clientFrames.map(\.hex),
                "server_frames": serverFrames.map(\.hex),
            ])

            var initiator = NoiseInitiator(
                noiseKey: noiseKey,
                verifier: NoiseCertificateVerifier(trustedRootKey: authority.rootPublicKey),
                ephemeralKey: initiatorEphemeral
            )
            var responder = NoiseResponder(identity: identity, ephemeralKey: responderEphemeral)
            let clientHello = try initiator.makeClientHello()
            let serverHello = try responder.readClientHello(clientHello)
            _ = try initiator.readServerHello(serverHello)
            var (clientFinish, client) = try initiator.makeClientFinish(payload: payload)
            var server = try responder.readClientFinish(clientFinish).outcome

            #expect(clientHello.hex == answer["client_hello"] as? String)
            #expect(serverHello.hex == answer["server_hello"] as? String)
            #expect(clientFinish.hex == answer["client_finish"] as? String)
            #expect(client.handshakeHash.hex == answer["handshake_hash"] as? String)
            #expect(server.handshakeHash.hex == answer["handshake_hash"] as? String)
            let up = try clientFrames.map { try client.transport.sender.seal($0).hex }
            let down = try serverFrames.map { try server.transport.sender.seal($0).hex }
            #expect(up == answer["client_transport"] as? [String])
            #expect(down == answer["server_transport"] as? [String])
            clientFinish = Data()
        }
    }
}
