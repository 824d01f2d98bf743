import Foundation
import Testing
import ZapgateCrypto
import ZapgateProto
import ZapgateProtocol
import ZapgateWire

@Suite struct PairingFormatTests {
    @Test func qrTextRoundTripsAndRejectsDamage() throws {
        let code = LinkingQRCode(
            ref: "2@abc+def/==", noisePublicKey: Data(repeating: 1, count: 32),
            identityPublicKey: Data(repeating: 2, count: 32), advSecret: Data(repeating: 3, count: 32),
            clientType: "1")
        #expect(code.text.hasPrefix(LinkingQRCode.prefix + "2@abc+def/==,AQEB"))
        #expect(try LinkingQRCode(parsing: code.text) == code)
        #expect(throws: ProtocolError.self) {
            try LinkingQRCode(parsing: "https://example.invalid/#a,b,c,d,e")
        }
        #expect(throws: ProtocolError.self) { try LinkingQRCode(parsing: code.text + ",extra") }
        let shortKey = code.text.replacingOccurrences(
            of: Data(repeating: 2, count: 32).base64EncodedString(), with: "AgI=")
        #expect(throws: ProtocolError.malformed("QR code identity key is not 32 bytes of base64")) {
            try LinkingQRCode(parsing: shortKey)
        }
    }

    @Test func pairingCodeAlphabetAndEncoding() {
        // 40 bits of ones are eight times the last letter; zeros are eight times the first.
        #expect(PairingCode.encode(Data(repeating: 0xFF, count: 5)) == "ZZZZZZZZ")
        #expect(PairingCode.encode(Data(repeating: 0x00, count: 5)) == "11111111")
        #expect(PairingCode.encode(Data([0x08, 0x42, 0x10, 0x84, 0x21])) == "22222222")
        for _ in 0..<50 {
            let code = PairingCode.generate()
            #expect(code.count == 8 && PairingCode.normalize(code) == code)
        }
        #expect(PairingCode.display("ABCDEFGH") == "ABCD-EFGH")
        #expect(PairingCode.normalize("abcd-efgh") == "ABCDEFGH")
        #expect(PairingCode.normalize("ABCD-EFG0") == nil)
        #expect(PairingCode.normalize("ABC") == nil)
    }

    @Test func pairingCodeExchangeDerivesTheSameSecretOnBothEnds() throws {
        let code = PairingCode.generate()
        let companionEphemeral = Curve25519KeyPair.generate()
        let companionIdentity = Curve25519KeyPair.generate()
        let primaryEphemeral = Curve25519KeyPair.generate()
        let primaryIdentity = Curve25519KeyPair.generate()

        // Companion → phone: the wrapped ephemeral; the phone unwraps it with the typed code.
        let wrapped = try PairingCode.wrap(companionEphemeral.publicKey, code: code)
        #expect(wrapped.count == 80)
        #expect(try PairingCode.unwrap(wrapped, code: code) == companionEphemeral.publicKey)
        #expect(try PairingCode.unwrap(wrapped, code: "11111111") != companionEphemeral.publicKey)

        // Phone → companion: the primary's wrapped ephemeral; the companion seals its bundle.
        let primaryWrapped = try PairingCode.wrap(primaryEphemeral.publicKey, code: code)
        let seenByCompanion = try PairingCode.unwrap(primaryWrapped, code: code)
        let companionShared = try companionEphemeral.sharedSecret(with: seenByCompanion)
        let random = SecureRandom.bytes(32)
        let bundle = try PairingCode.sealKeyBundle(
            ephemeralShared: companionShared, companionIdentity: companionIdentity.publicKey,
            primaryIdentity: primaryIdentity.publicKey, random: random)
        let companionSecret = PairingCode.advSecret(
            ephemeralShared: companionShared,
            identityShared: try companionIdentity.sharedSecret(with: primaryIdentity.publicKey),
            random: random)

        let phoneShared = try primaryEphemeral.sharedSecret(with: companionEphemeral.publicKey)
        let opened = try PairingCode.openKeyBundle(bundle, ephemeralShared: phoneShared)
        #expect(opened.companionIdentity == companionIdentity.publicKey)
        #expect(opened.primaryIdentity == primaryIdentity.publicKey)
        let phoneSecret = PairingCode.advSecret(
            ephemeralShared: phoneShared,
            identityShared: try primaryIdentity.sharedSecret(with: opened.companionIdentity),
            random: opened.random)
        #expect(phoneSecret == companionSecret)

        let wrongShared = try Curve25519KeyPair.generate().sharedSecret(with: companionEphemeral.publicKey)
        #expect(throws: ProtocolError.self) {
            try PairingCode.openKeyBundle(bundle, ephemeralShared: wrongShared)
        }
    }

    @Test func deviceIdentityIssueVerifyCountersign() throws {
        let account = Curve25519KeyPair.generate()
        let companion = Curve25519KeyPair.generate()
        let adv = SecureRandom.bytes(32)
        var details = WAADVDeviceIdentity()
        details.rawID = 12_345
        details.timestamp = 1_790_000_000
        details.keyIndex = 3
        let container = try DeviceIdentitySigning.issue(
            details: details, accountKey: account, companionIdentity: companion.publicKey, advSecret: adv)

        let verified = try DeviceIdentitySigning.verifyAndCountersign(
            container: container, advSecret: adv, companionIdentity: companion)
        #expect(verified.details.keyIndex == 3)
        #expect(
            DeviceIdentitySigning.isValidDeviceSignature(
                verified.signedIdentity, companionIdentity: companion.publicKey, accountKey: account.publicKey
            ))

        #expect(throws: ProtocolError.verificationFailed("hmac-mismatch")) {
            try DeviceIdentitySigning.verifyAndCountersign(
                container: container, advSecret: SecureRandom.bytes(32), companionIdentity: companion)
        }
        // Issued for another companion: the HMAC holds, the account signature does not.
        #expect(throws: ProtocolError.verificationFailed("signature-mismatch")) {
            try DeviceIdentitySigning.verifyAndCountersign(
                container: container, advSecret: adv, companionIdentity: Curve25519KeyPair.generate())
        }
        #expect(throws: ProtocolError.self) {
            try DeviceIdentitySigning.verifyAndCountersign(
                container: Data([1, 2, 3]), advSecret: adv, companionIdentity: companion)
        }
    }

    @Test func preKeyUploadRoundTripsThroughTheCodec() throws {
        let upload = PreKeyUpload(
            registrationID: 0xDEAD_BEEF, identityKey: Data(repeating: 9, count: 32),
            preKeys: (1...5).map {
                PreKeyUpload.Key(id: UInt32($0), publicKey: Data(repeating: UInt8($0), count: 32))
            },
            signedPreKey: .init(
                id: 1, publicKey: Data(repeating: 7, count: 32), signature: Data(repeating: 8, count: 64)))
        let node = upload.request(id: "1.2-3")
        let decoded = try BinaryNode(decoding: try node.encoded())
        #expect(try decoded.jid("to") == .whatsAppServer)
        #expect(try PreKeyUpload(request: decoded) == upload)
        #expect(decoded.child("list")?.children.first?.child("id")?.bytes == Data([0, 0, 1]))
        #expect(decoded.child("registration")?.bytes == Data([0xDE, 0xAD, 0xBE, 0xEF]))

        var broken = decoded
        broken.content = .children(decoded.children.filter { $0.tag != "skey" })
        #expect(throws: ProtocolError.malformed("upload has no <skey>")) { try PreKeyUpload(request: broken) }
    }

    @Test func streamErrorsReadAsTheyAreWritten() throws {
        for error in [StreamError.restartRequired, .deviceRemoved, .replaced, .serviceUnavailable] {
            let decoded = try BinaryNode(decoding: try error.node.encoded())
            #expect(StreamError(node: decoded) == error)
        }
        #expect(
            StreamError(node: BinaryNode(tag: "stream:error", attributes: ["code": "999"]))
                == .other(code: "999", conflict: nil))
    }

    @Test func bigEndianWidths() {
        #expect(BigEndianBytes.encode(0x0102_0304, width: 4) == Data([1, 2, 3, 4]))
        #expect(BigEndianBytes.encode(0x0102_0304, width: 3) == Data([2, 3, 4]))
        #expect(BigEndianBytes.decode(Data([2, 3, 4]), width: 3) == 0x020304)
        #expect(BigEndianBytes.decode(Data([2, 3]), width: 3) == nil)
    }
}
