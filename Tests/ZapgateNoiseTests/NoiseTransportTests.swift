import Foundation
import Testing
import ZapgateCrypto
import ZapgateNoise
import ZapgateTestSupport

@Suite("Transport ciphers")
struct NoiseTransportTests {
    let keyA = Data((0..<32).map { UInt8($0) })
    let keyB = Data((0..<32).map { UInt8(255 - $0) })

    func pair() throws -> (client: NoiseTransport, server: NoiseTransport) {
        (
            try NoiseTransport(sendingKey: keyA, receivingKey: keyB),
            try NoiseTransport(sendingKey: keyB, receivingKey: keyA)
        )
    }

    @Test("each frame uses the next counter as 8 zero bytes ‖ u32 BE, without associated data")
    func nonceLayout() throws {
        var cipher = try NoiseCipher(key: keyA, counter: 0x0102_0304)
        let sealed = try cipher.seal(Data("frame"))
        let expected = try AESGCM.seal(
            Data("frame"),
            key: keyA,
            nonce: try #require(Data(hex: "000000000000000001020304")),
            authenticating: Data()
        )
        #expect(sealed == expected)
        #expect(sealed.count == 5 + 16)
        #expect(cipher.counter == 0x0102_0305)
    }

    @Test("read and write counters advance independently")
    func independentCounters() throws {
        var (client, server) = try pair()
        for index in 0..<5 {
            let frame = Data("client-\(index)")
            #expect(try server.receiver.open(try client.sender.seal(frame)) == frame)
        }
        let reply = Data("server-0")
        #expect(try client.receiver.open(try server.sender.seal(reply)) == reply)
        #expect(client.sender.counter == 5)
        #expect(server.receiver.counter == 5)
        #expect(server.sender.counter == 1)
        #expect(client.receiver.counter == 1)
    }

    @Test("a tampered frame fails with its counter, and uses that counter up")
    func tampered() throws {
        var (client, server) = try pair()
        var first = try client.sender.seal(Data("one"))
        first[1] ^= 0x01
        let second = try client.sender.seal(Data("two"))
        #expect(throws: NoiseTransportError.authenticationFailed(counter: 0)) {
            try server.receiver.open(first)
        }
        #expect(try server.receiver.open(second) == Data("two"))
    }

    @Test("a truncated or reordered frame does not open")
    func truncatedOrReordered() throws {
        var (client, server) = try pair()
        let first = try client.sender.seal(Data("one"))
        let second = try client.sender.seal(Data("two"))
        #expect(throws: NoiseTransportError.authenticationFailed(counter: 0)) {
            try server.receiver.open(second)
        }
        #expect(throws: NoiseTransportError.authenticationFailed(counter: 1)) {
            try server.receiver.open(first.prefix(10))
        }
    }

    @Test("the counter never wraps around")
    func noWrap() throws {
        var cipher = try NoiseCipher(key: keyA, counter: .max)
        #expect(cipher.counter == .max)
        _ = try cipher.seal(Data("last"))
        #expect(cipher.counter == nil)
        #expect(throws: NoiseTransportError.counterExhausted) { try cipher.seal(Data("one more")) }
        var reader = try NoiseCipher(key: keyA, counter: .max)
        _ = try? reader.open(Data(count: 20))
        #expect(throws: NoiseTransportError.counterExhausted) { try reader.open(Data(count: 20)) }
    }

    @Test("keys must be 32 bytes")
    func keyLength() {
        #expect(throws: NoiseTransportError.invalidKey(length: 16)) { try NoiseCipher(key: Data(count: 16)) }
    }
}
