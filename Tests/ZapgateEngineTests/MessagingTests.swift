import Foundation
import SwiftProtobuf
import Testing
import ZapgateMessaging
import ZapgateProto
import ZapgateProtocol
import ZapgateSignal
import ZapgateSimulator
import ZapgateWire

@testable import ZapgateEngine

/// Two engines on two accounts, and the accounts' phones, talking through the simulator.
@Suite(.serialized) struct MessagingTests {
    @Test func textBothWaysWithReceiptsAndCopiesOnEveryDevice() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002001")
        let bob = try await harness.linkEngine("15550002002")
        let alicePhone = try await harness.simulator.phone("15550002001")
        let bobPhone = try await harness.simulator.phone("15550002002")

        let sent = try await alice.session.send(.text("hello bob"), to: bob.account)
        let received = try await bob.waitForMessages(1, "alice's text") { $0.id == sent.id }
        #expect(received.first?.message.text == "hello bob")
        #expect(received.first?.chat == alice.account)
        #expect(received.first?.fromMe == false)
        // Bob's phone got it too, and Alice's phone a device-sent copy.
        try await waitForPhoneMessages(bobPhone, 1, "bob's phone copy") { $0.id == sent.id }
        let copy = try await waitForPhoneMessages(alicePhone, 1, "alice's own copy") { $0.id == sent.id }
        #expect(copy.first?.fromOwnDevice == true && copy.first?.message.text == "hello bob")
        try await alice.waitForStatus(.delivered, of: sent.id)

        // Bob answers with a quote and a mention; Alice reads it, Bob sees it read.
        let reference = try #require(received.first?.reference)
        let reply = try await bob.session.send(
            .text("hi @15550002001", replyingTo: reference, mentioning: [alice.account]), to: alice.account)
        let answer = try await alice.waitForMessages(1, "bob's reply") { $0.id == reply.id }
        let context = answer.first?.message.extendedTextMessage.contextInfo
        #expect(context?.stanzaID == sent.id)
        #expect(context?.mentionedJid == [alice.account.description])
        try await alice.session.markRead([reply.id], in: bob.account)
        try await bob.waitForStatus(.read, of: reply.id)

        // The phone plays the contact: it writes to Alice, whose engine gets it once.
        let fromPhone = try await bobPhone.send(.text("from bob's phone"), to: alice.account)
        try await alice.waitForMessages(1, "the phone's text") { $0.id == fromPhone }
        // Bob's engine sees what its phone sent, as its own.
        let own = try await bob.waitForMessages(1, "bob's own phone copy") { $0.id == fromPhone }
        #expect(own.first?.fromMe == true && own.first?.chat == alice.account)
        await alice.stop()
        await bob.stop()
    }

    @Test func everyNonMediaKindArrivesAsSent() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002011")
        let bob = try await harness.linkEngine("15550002012")
        let first = try await alice.session.send(.text("original"), to: bob.account)
        let target = MessageReference(chat: bob.account, id: first.id, fromMe: true)
        var unknown = WAMessage()
        // A poll (field 49), which we do not model: it must arrive with its bytes intact.
        unknown.unknownFields = try UnknownStorageProbe.field49()
        let contents: [(WAMessage, MessageKind)] = [
            (.location(latitude: 52.52, longitude: 13.405, name: "Berlin"), .location),
            (
                .contact(displayName: "Carol", vcard: "BEGIN:VCARD\nVERSION:3.0\nFN:Carol\nEND:VCARD"),
                .contact
            ),
            (.reaction("👍", to: target), .reaction),
            (.edit(target, newText: "edited"), .edit),
            (.revoke(target), .revoke),
            (unknown, .unknown),
        ]
        for (content, kind) in contents {
            let sent = try await alice.session.send(content, to: bob.account)
            let got = try await bob.waitForMessages(1, "\(kind)") { $0.id == sent.id }
            #expect(got.first?.kind == kind)
            #expect(got.first?.message == content)
            #expect(got.first?.raw == (try content.serializedData()))
        }
        await alice.stop()
        await bob.stop()
    }

    @Test func sendingToSomeoneNotOnWhatsAppOrAForeignGroupFailsClearly() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002021")
        await #expect(throws: EngineError.noSuchUser("15559999999@s.whatsapp.net")) {
            try await alice.session.send(.text("anyone?"), to: JID(user: "15559999999", server: .phoneNumber))
        }
        let carol = try await harness.simulator.phone("15550002022")
        let group = try await carol.createGroup(subject: "not alice's", members: [])
        await #expect(throws: EngineError.notInGroup(group.description)) {
            try await alice.session.send(.text("let me in"), to: group)
        }
        await alice.stop()
    }

    @Test func aNewlyLinkedDeviceOfAContactGetsTheNextMessage() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002051")
        let bob = try await harness.linkEngine("15550002052")
        let first = try await alice.session.send(.text("before"), to: bob.account)
        try await bob.waitForMessages(1, "before") { $0.id == first.id }
        // Bob links a second engine; Alice's cached device list must learn of it, from the
        // devices notification the server sends her (it may come after the link completes).
        let generation = await alice.session.directoryGeneration
        let bobLaptop = try await harness.linkEngine("15550002052")
        try await eventually("Alice hears of Bob's new device") {
            await alice.session.directoryGeneration > generation
        }
        let second = try await alice.session.send(.text("after"), to: bob.account)
        try await bob.waitForMessages(1, "after, on the first engine") { $0.id == second.id }
        let onLaptop = try await bobLaptop.waitForMessages(1, "after, on the new engine") {
            $0.id == second.id
        }
        #expect(onLaptop.first?.message.text == "after")
        // Bob's new engine also sees what his first engine sends, as its own.
        let third = try await bob.session.send(.text("from bob"), to: alice.account)
        let own = try await bobLaptop.waitForMessages(1, "bob's own copy") { $0.id == third.id }
        #expect(own.first?.fromMe == true && own.first?.chat == alice.account)
        await alice.stop()
        await bob.stop()
        await bobLaptop.stop()
    }

    @Test func aCorruptedSessionIsRepairedThroughRetriesAndTheMessageArrivesOnce() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002031")
        let bob = try await harness.linkEngine("15550002032")
        let first = try await alice.session.send(.text("one"), to: bob.account)
        try await bob.waitForMessages(1, "first") { $0.id == first.id }
        // Bob's session with Alice's engine is replaced by another valid one (with Bob's own
        // phone): the next message fails its MAC until Alice starts over from Bob's keys.
        let aliceDevice = try #require(await alice.session.account?.lid)
        let bobPhoneLID = try #require(await bob.session.account?.lid).withoutDevice
        let reply = try await bob.session.send(.text("to make a second session"), to: alice.account)
        // Until Alice's engine has read an answer on their session, it keeps sending prekey
        // messages, which Bob could take as the start of a fresh session instead of failing.
        try await alice.waitForMessages(1, "Bob's answer") { $0.id == reply.id }
        let other = try #require(await bob.store.sessionBytes(for: bobPhoneLID.signalAddress))
        await bob.store.overwriteSessionBytes(other, for: aliceDevice.signalAddress)

        let second = try await alice.session.send(.text("two"), to: bob.account)
        let got = try await bob.waitForMessages(1, "the retried message") { $0.id == second.id }
        #expect(got.first?.message.text == "two")
        _ = try await bob.log.first("an undecryptable report") { event in
            if case .undecryptable(let report) = event { return report.id == second.id }
            return false
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await bob.messages().filter { $0.id == second.id }.count == 1)
        await alice.stop()
        await bob.stop()
    }
}

/// Unknown fields made by encoding a message with a field we do not model.
enum UnknownStorageProbe {
    static func field49() throws -> UnknownStorage {
        // Field 49, wire type 2: a poll creation message with name "lunch?".
        let bytes = Data([0x8A, 0x03, 0x08, 0x0A, 0x06]) + Data("lunch?".utf8)
        return try WAMessage(serializedBytes: bytes).unknownFields
    }
}

/// Media between two engines: uploaded encrypted, sent, downloaded and checked on the other side.
@Suite(.serialized) struct MediaMessagingTests {
    @Test func everyMediaKindArrivesWithIdenticalBytesBothWays() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let alice = try await harness.linkEngine("15550002041")
        let bob = try await harness.linkEngine("15550002042")
        for (from, to) in [(alice, bob), (bob, alice)] {
            let cases: [(MediaKind, MessageKind, Int)] = [
                (.image, .image, 70_001), (.video, .video, 300_000), (.audio, .audio, 12_345),
                (.voiceNote, .voiceNote, 4_000), (.document, .document, 1), (.sticker, .sticker, 9_999),
            ]
            for (mediaKind, kind, size) in cases {
                let bytes = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) })
                let uploaded = try await from.session.upload(bytes, kind: mediaKind)
                let message: WAMessage =
                    switch mediaKind {
                    case .image: .image(uploaded, mimetype: "image/jpeg", caption: "a picture")
                    case .video: .video(uploaded, mimetype: "video/mp4", caption: "a film", seconds: 3)
                    case .audio, .voiceNote: .audio(uploaded, mimetype: "audio/ogg; codecs=opus", seconds: 2)
                    case .document: .document(uploaded, mimetype: "application/pdf", fileName: "a.pdf")
                    default: .sticker(uploaded)
                    }
                let sent = try await from.session.send(message, to: to.account)
                let got = try await to.waitForMessages(1, "\(kind)") { $0.id == sent.id }
                let received = try #require(got.first)
                #expect(received.kind == kind)
                let reference = try #require(received.message.mediaReference)
                #expect(try await to.session.download(reference) == bytes)
                if kind == .voiceNote {
                    // Listening to a voice note tells the sender it was played.
                    try await to.session.markPlayed([sent.id], in: received.chat)
                    try await from.waitForStatus(.played, of: sent.id)
                }
            }
        }
        await alice.stop()
        await bob.stop()
    }
}
