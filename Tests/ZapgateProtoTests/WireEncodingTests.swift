import Foundation
import SwiftProtobuf
import Testing
import ZapgateProto
import ZapgateTestSupport

/// Bytes assembled by hand from WhatsApp's field numbers and the protobuf wire format, so a
/// wrong number or type in our schema shows up without any other implementation involved.
@Suite("Wire encodings by hand")
struct WireEncodingTests {
    @Test("a text message is field 1")
    func conversation() throws {
        var message = WAMessage()
        message.conversation = "hi"
        #expect(try message.serializedBytes() == Data(hex: "0a026869"))
    }

    @Test("ClientHello sits in field 2 with the ephemeral key in field 1")
    func clientHello() throws {
        var message = WAHandshakeMessage()
        message.clientHello.ephemeral = Data(repeating: 0x01, count: 32)
        let expected = try #require(Data(hex: "12220a20" + String(repeating: "01", count: 32)))
        #expect(try message.serializedBytes() == expected)
        let decoded = try WAHandshakeMessage(serializedBytes: expected)
        #expect(decoded.hasClientHello && !decoded.hasServerHello && !decoded.hasClientFinish)
    }

    @Test("a login payload: username varint, passive, sfixed32 session id, device 18, pull 33")
    func loginPayload() throws {
        var payload = WAClientPayload()
        payload.username = 15_551_234_567
        payload.passive = true
        payload.sessionID = -2
        payload.device = 7
        payload.pull = true
        let expected = try #require(Data(hex: "088784b4f739" + "1801" + "4dfeffffff" + "900107" + "880201"))
        #expect(try payload.serializedBytes() == expected)
    }

    @Test("proto2 presence: an explicit zero issuer serial is written")
    func explicitZero() throws {
        var details = WACertChain.NoiseCertificate.Details()
        details.issuerSerial = 0
        details.notAfter = 1
        #expect(try details.serializedBytes() == Data(hex: "10002801"))
        #expect(
            try WACertChain.NoiseCertificate.Details(serializedBytes: Data(hex: "2801") ?? Data())
                .hasIssuerSerial == false)
    }

    @Test("cert chain leaf holds details and signature as bytes")
    func certChain() throws {
        var chain = WACertChain()
        chain.leaf.details = Data([0xAB])
        chain.leaf.signature = Data([0xCD])
        #expect(try chain.serializedBytes() == Data(hex: "0a060a01ab1201cd"))
    }

    @Test("PreKeySignalMessage fields are written in number order, not declaration order")
    func preKeySignalMessage() throws {
        var message = WAPreKeySignalMessage()
        message.registrationID = 1
        message.preKeyID = 2
        message.signedPreKeyID = 3
        #expect(try message.serializedBytes() == Data(hex: "080228013003"))
    }

    @Test("ADV valid indexes are packed")
    func packedIndexes() throws {
        var list = WAADVKeyIndexList()
        list.validIndexes = [1, 300]
        #expect(try list.serializedBytes() == Data(hex: "220301ac02"))
    }

    @Test("location coordinates are little-endian doubles")
    func location() throws {
        var message = WAMessage()
        message.locationMessage.degreesLatitude = 1.5
        #expect(try message.serializedBytes() == Data(hex: "2a0909000000000000f83f"))
    }

    @Test("an edit is protocol message type 14")
    func edit() throws {
        var message = WAMessage()
        message.protocolMessage.type = .messageEdit
        #expect(try message.serializedBytes() == Data(hex: "6202100e"))
    }

    @Test("an enum value we do not know is kept, not mistaken for the default")
    func unknownEnumValue() throws {
        // protocolMessage { type: 99 }
        let bytes = try #require(Data(hex: "62021063"))
        let message = try WAMessage(serializedBytes: bytes)
        #expect(message.hasProtocolMessage)
        #expect(!message.protocolMessage.hasType)
        #expect(try message.serializedBytes() == bytes)
    }
}
