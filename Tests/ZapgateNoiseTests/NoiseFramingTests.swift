import Foundation
import Testing
import ZapgateNoise
import ZapgateTestSupport

@Suite("Framing")
struct NoiseFramingTests {
    let payloads = [Data("first"), Data(), Data(repeating: 0xAB, count: 70_000), Data("last")]

    func clientWire(routingInfo: Data? = nil) throws -> Data {
        var encoder = try NoiseFrameEncoder(introHeader: NoiseIntroHeader(routingInfo: routingInfo))
        var wire = Data()
        for payload in payloads { wire.append(try encoder.encode(payload)) }
        return wire
    }

    @Test("the intro header goes out once, before the first frame")
    func introHeaderOnce() throws {
        var encoder = try NoiseFrameEncoder(introHeader: NoiseIntroHeader())
        #expect(encoder.isIntroPending)
        #expect(try encoder.encode(Data([0x01, 0x02])).hex == "57410603" + "000002" + "0102")
        #expect(!encoder.isIntroPending)
        #expect(try encoder.encode(Data([0x03])).hex == "000001" + "03")
    }

    @Test("the server's frames carry no header")
    func serverFrames() throws {
        var encoder = NoiseFrameEncoder()
        #expect(try encoder.encode(Data([0x09])).hex == "000001" + "09")
    }

    @Test("an edge-routing prefix precedes the WA header")
    func routingPrefix() throws {
        let header = NoiseIntroHeader(routingInfo: Data([0x0A, 0x0B, 0x0C]))
        #expect(try header.encoded().hex == "45440001" + "000003" + "0a0b0c" + "57410603")
    }

    @Test("frames split at every byte position decode the same", arguments: [false, true])
    func splitAnywhere(withRouting: Bool) throws {
        let routing = withRouting ? Data([0x01, 0x02, 0x03, 0x04, 0x05]) : nil
        let wire = try clientWire(routingInfo: routing)
        for cut in stride(from: 0, through: wire.count, by: 997) + Array(0...40) {
            var decoder = NoiseFrameDecoder(expectingIntroHeader: true)
            decoder.append(wire.prefix(cut))
            var frames = try decoder.drainFrames()
            decoder.append(wire.dropFirst(cut))
            frames += try decoder.drainFrames()
            #expect(frames == payloads, "cut at \(cut)")
            #expect(decoder.introHeader == NoiseIntroHeader(routingInfo: routing))
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test("frames fed one byte at a time decode the same")
    func byteByByte() throws {
        let wire = try clientWire(routingInfo: Data([0xEE]))
        var decoder = NoiseFrameDecoder(expectingIntroHeader: true)
        var frames: [Data] = []
        for byte in wire {
            decoder.append(Data([byte]))
            frames += try decoder.drainFrames()
        }
        #expect(frames == payloads)
        #expect(decoder.introHeader?.routingInfo == Data([0xEE]))
    }

    @Test("several frames merged in one message all come out")
    func merged() throws {
        var server = NoiseFrameEncoder()
        var wire = Data()
        for payload in payloads { wire.append(try server.encode(payload)) }
        var decoder = NoiseFrameDecoder(expectingIntroHeader: false)
        decoder.append(wire)
        #expect(try decoder.drainFrames() == payloads)
        #expect(try decoder.nextFrame() == nil)
    }

    @Test(
        "garbage instead of an intro header is refused as soon as it shows",
        arguments: [
            ("474554", "474554"),  // "GET"
            ("57410502", "57410502"),  // an older "WA" version
            ("58", "58"),  // one byte is enough
            ("454400010000025a5a5742", "5742"),  // routing prefix, then a broken header
            ("454400020000", "45440002"),
        ])
    func garbageHeader(input: String, reported: String) throws {
        var decoder = NoiseFrameDecoder(expectingIntroHeader: true)
        decoder.append(try #require(Data(hex: input)))
        #expect(throws: NoiseFramingError.invalidIntroHeader(try #require(Data(hex: reported)))) {
            try decoder.nextFrame()
        }
        // The decoder stays failed.
        decoder.append(Data([0x57, 0x41, 0x06, 0x03]))
        #expect(throws: NoiseFramingError.self) { try decoder.nextFrame() }
    }

    @Test("a frame longer than the limit is refused before its bytes arrive")
    func oversizeIncoming() throws {
        var decoder = NoiseFrameDecoder(expectingIntroHeader: false, maximumFrameLength: 10)
        decoder.append(Data([0x00, 0x00, 0x0B]))
        #expect(throws: NoiseFramingError.frameTooLarge(length: 11, maximum: 10)) { try decoder.nextFrame() }

        var exact = NoiseFrameDecoder(expectingIntroHeader: false, maximumFrameLength: 10)
        exact.append(Data([0x00, 0x00, 0x0A]) + Data(count: 10))
        #expect(try exact.nextFrame() == Data(count: 10))
    }

    @Test("a payload of 1 << 24 bytes or more cannot be framed")
    func oversizeOutgoing() throws {
        var encoder = NoiseFrameEncoder()
        #expect(throws: NoiseFramingError.frameTooLarge(length: 1 << 24, maximum: (1 << 24) - 1)) {
            try encoder.encode(Data(count: 1 << 24))
        }
        #expect(try encoder.encode(Data(count: (1 << 24) - 1)).prefix(3).hex == "ffffff")
    }

    @Test("routing info longer than a 3-byte length cannot be sent")
    func oversizeRouting() {
        #expect(throws: NoiseFramingError.routingInfoTooLarge(length: 1 << 24)) {
            try NoiseFrameEncoder(introHeader: NoiseIntroHeader(routingInfo: Data(count: 1 << 24)))
        }
    }
}
