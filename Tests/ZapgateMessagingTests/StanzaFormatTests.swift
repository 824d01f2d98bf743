import Foundation
import Testing
import ZapgateCrypto
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

/// The messaging stanzas through the node codec and back, and their rules.
struct StanzaFormatTests {
    @Test func messageIDsHaveTheWebClientsShape() {
        let ids = (0..<200).map { _ in MessageID.generate(ownUser: "15550001234") }
        for id in ids {
            #expect(id.count == 22 && id.hasPrefix("3EB0"))
            #expect(id.dropFirst(4).allSatisfy { $0.isHexDigit && !$0.isLowercase })
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test func usyncAnswersRoundTripAndUnvouchedDevicesAreDropped() throws {
        let user = JID(user: "15550001234", server: .phoneNumber)
        let lid = JID(user: "123456789012345", server: .lid)
        // The server's shape, with a companion (9) that has no key index, as a stale answer
        // could list it.
        let answer = BinaryNode(
            tag: "usync",
            children: [
                BinaryNode(
                    tag: "list",
                    children: [
                        BinaryNode(
                            tag: "user", attributes: ["jid": .jid(user)],
                            children: [
                                BinaryNode(
                                    tag: "devices",
                                    children: [
                                        BinaryNode(
                                            tag: "device-list",
                                            children: [
                                                BinaryNode(tag: "device", attributes: ["id": "0"]),
                                                BinaryNode(
                                                    tag: "device", attributes: ["id": "3", "key-index": "2"]),
                                                BinaryNode(tag: "device", attributes: ["id": "9"]),
                                            ])
                                    ]),
                                BinaryNode(tag: "lid", attributes: ["val": .jid(lid)]),
                            ])
                    ])
            ])
        let iq = BinaryNode(tag: "iq", attributes: ["type": "result"], children: [answer])
        let decoded = try BinaryNode(framePayload: try iq.encodedFramePayload())
        let parsed = try USyncDeviceQuery.parse(answer: decoded)
        #expect(
            parsed == [
                USyncDevices(user: user, lid: lid, devices: [.init(id: 0), .init(id: 3, keyIndex: 2)])
            ])

        let request = BinaryNode(
            tag: "iq", children: [USyncDeviceQuery.request(users: [user.onDevice(4), lid], sid: "s2")])
        let asked = try USyncDeviceQuery.requestedUsers(
            in: try BinaryNode(framePayload: request.encodedFramePayload()))
        #expect(asked.users == [user, lid] && asked.wantsLID)
    }

    @Test func prekeyBundlesRoundTripAndErrorsAreKeptPerDevice() throws {
        let identity = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: identity, id: 7)
        let preKey = SignalKeys.generatePreKeys(start: 300, count: 1)[0]
        let device = JID(user: "123", server: .lid, device: 2)
        let bundle = PreKeyBundle(
            registrationID: 0xABCD, deviceID: 2, preKeyID: preKey.id, preKeyPublic: preKey.keyPair.publicKey,
            signedPreKeyID: 7, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature,
            identityKey: identity.publicKey)
        let missing = JID(user: "456", server: .lid, device: 1)
        let iq = BinaryNode(
            tag: "iq",
            children: [
                BinaryNode(
                    tag: "list",
                    children: [
                        PreKeyBundleQuery.answer(device: device, bundle: bundle),
                        PreKeyBundleQuery.answer(device: missing, errorCode: 404, text: "item-not-found"),
                    ])
            ])
        let parsed = try PreKeyBundleQuery.parse(
            answer: try BinaryNode(framePayload: iq.encodedFramePayload()))
        #expect(try parsed[device]?.get() == bundle)
        guard case .failure? = parsed[missing] else {
            Issue.record("the refused device has no error")
            return
        }
    }

    @Test func receiptsAndRetryRequestsRoundTrip() throws {
        let chat = JID(user: "123", server: .lid, device: 3)
        let receipt = Receipt(
            ids: ["A", "B", "C"], kind: .read, chat: chat,
            timestamp: Date(timeIntervalSince1970: 1_700_000_000))
        let read = try Receipt(
            node: BinaryNode(framePayload: receipt.node(addressKey: "to").encodedFramePayload()),
            addressKey: "to")
        #expect(read == receipt)

        let identity = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: identity, id: 1)
        let bundle = PreKeyBundle(
            registrationID: 77, deviceID: 3, preKeyID: 9,
            preKeyPublic: Curve25519KeyPair.generate().publicKey,
            signedPreKeyID: 1, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature,
            identityKey: identity.publicKey)
        let request = RetryRequest(
            count: 2, messageID: "A", originalTimestamp: Date(timeIntervalSince1970: 1_700_000_000),
            registrationID: 77,
            bundle: bundle, deviceIdentity: Data([1, 2, 3]))
        let retry = Receipt(ids: ["A"], kind: .retry, chat: chat, extra: request.nodes)
        let decoded = try Receipt(
            node: BinaryNode(framePayload: retry.node(addressKey: "from").encodedFramePayload()),
            addressKey: "from")
        #expect(try RetryRequest(receipt: decoded, deviceID: 3) == request)
        #expect(ReceiptKind(attribute: nil) == .delivered && ReceiptKind(attribute: "played") == .played)
    }

    @Test func contentKindsGiveTheStanzaAttributes() {
        let target = MessageReference(chat: JID(user: "1", server: .phoneNumber), id: "X", fromMe: true)
        var voice = WAMessage()
        voice.audioMessage.ptt = true
        var gif = WAMessage()
        gif.videoMessage.gifPlayback = true
        var viewOnce = WAMessage()
        viewOnce.viewOnceMessage.message = .text("once")
        let cases: [(WAMessage, MessageKind, String, String?, String?)] = [
            (.text("hi"), .text, "text", nil, nil),
            (.reaction("❤️", to: target), .reaction, "reaction", nil, nil),
            (.edit(target, newText: "new"), .edit, "text", nil, "1"),
            (.revoke(target), .revoke, "text", nil, "7"),
            (voice, .voiceNote, "media", "ptt", nil),
            (gif, .video, "media", "gif", nil),
            (.location(latitude: 1, longitude: 2), .location, "media", "location", nil),
            (viewOnce, .text, "text", nil, nil),
            (WAMessage(), .unknown, "text", nil, nil),
        ]
        for (message, kind, type, mediaType, edit) in cases {
            #expect(message.kind == kind)
            #expect(message.stanzaType == type)
            #expect(message.mediaTypeAttribute == mediaType)
            #expect(message.editAttribute == edit)
        }
        #expect(viewOnce.text == "once")
    }
}
