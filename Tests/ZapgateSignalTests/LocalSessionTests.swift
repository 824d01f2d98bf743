import Foundation
import Testing

@testable import ZapgateSignal

/// Swift-to-Swift sessions: re-keying, archived states, bounds, serialisation.
@Suite("Sessions between two of our own devices")
struct LocalSessionTests {
    static let aliceAddress = SignalAddress(name: "alice", deviceID: 1)
    static let bobAddress = SignalAddress(name: "bob", deviceID: 2)

    private func pair(oneTimePreKey: Bool = true) async throws -> (LocalParty, LocalParty) {
        let alice = LocalParty()
        let bob = LocalParty()
        let bundle = try await bob.bundle(preKeyID: oneTimePreKey ? 9 : nil, signedPreKeyID: 3)
        try await SessionBuilder(store: alice.store, address: Self.bobAddress).process(bundle)
        return (alice, bob)
    }

    @Test("round trip with and without a one-time prekey", arguments: [true, false])
    func roundTrip(oneTimePreKey: Bool) async throws {
        let (alice, bob) = try await pair(oneTimePreKey: oneTimePreKey)
        let toBob = alice.cipher(Self.bobAddress)
        let toAlice = bob.cipher(Self.aliceAddress)
        let opening = try await toBob.encrypt(Data("hi".utf8))
        guard case .preKey(let message) = opening else {
            Issue.record("first message should be a PreKeySignalMessage")
            return
        }
        #expect(message.preKeyID == (oneTimePreKey ? 9 : nil))
        #expect(try await toAlice.decrypt(encType: "pkmsg", opening.serialized) == Data("hi".utf8))
        let reply = try await toAlice.encrypt(Data("hello".utf8))
        #expect(reply.encType == "msg")
        #expect(try await toBob.decrypt(encType: "msg", reply.serialized) == Data("hello".utf8))
        #expect(try await toBob.encrypt(Data()).encType == "msg")
    }

    @Test("a record survives serialisation byte for byte")
    func serialisation() async throws {
        let (alice, bob) = try await pair()
        let toBob = alice.cipher(Self.bobAddress)
        let toAlice = bob.cipher(Self.aliceAddress)
        for index in 0..<5 {
            let message = try await toBob.encrypt(Data([UInt8(index)]))
            if index != 2 { _ = try await toAlice.decrypt(encType: message.encType, message.serialized) }
        }
        let record = try #require(try await bob.store.loadSession(for: Self.aliceAddress))
        #expect(record.current?.receivingChains.first?.skippedKeys.map(\.counter) == [2])
        #expect(try SessionRecord(serialized: record.serialized()) == record)
    }

    @Test("a counter more than 2,000 ahead is refused; exactly 2,000 ahead is read")
    func forwardBound() async throws {
        let (alice, bob) = try await pair()
        let toBob = alice.cipher(Self.bobAddress)
        let toAlice = bob.cipher(Self.aliceAddress)
        var messages: [CiphertextMessage] = []
        for index in 0...2002 { messages.append(try await toBob.encrypt(Data("\(index)".utf8))) }
        _ = try await toAlice.decrypt(encType: "pkmsg", messages[0].serialized)
        let before = await bob.store.sessionBytes(for: Self.aliceAddress)
        await #expect(throws: SignalError.messageTooFarAhead(counter: 2002, current: 1)) {
            try await toAlice.decrypt(encType: "pkmsg", messages[2002].serialized)
        }
        #expect(await bob.store.sessionBytes(for: Self.aliceAddress) == before)
        #expect(try await toAlice.decrypt(encType: "pkmsg", messages[2001].serialized) == Data("2001".utf8))
        #expect(try await toAlice.decrypt(encType: "pkmsg", messages[1].serialized) == Data("1".utf8))
    }

    @Test("after a peer re-keys, messages on the old session still decrypt (archived state)")
    func archivedStates() async throws {
        let (alice, bob) = try await pair()
        let toBob = alice.cipher(Self.bobAddress)
        let toAlice = bob.cipher(Self.aliceAddress)
        let opening = try await toBob.encrypt(Data("one".utf8))
        _ = try await toAlice.decrypt(encType: opening.encType, opening.serialized)
        let late = try await toBob.encrypt(Data("late on old session".utf8))

        // Alice fetches a fresh bundle (say, after losing her state) and starts a new session.
        try await SessionBuilder(store: alice.store, address: Self.bobAddress)
            .process(try await bob.bundle(preKeyID: 10, signedPreKeyID: 4))
        let fresh = try await toBob.encrypt(Data("new session".utf8))
        #expect(
            try await toAlice.decrypt(encType: fresh.encType, fresh.serialized) == Data("new session".utf8))
        #expect(
            try await toAlice.decrypt(encType: late.encType, late.serialized)
                == Data("late on old session".utf8))
        let record = try #require(try await bob.store.loadSession(for: Self.aliceAddress))
        #expect(record.previous.count == 1)

        // Bob answers on the old session; Alice reads it from her archive and promotes it.
        let old = try await toAlice.encrypt(Data("reply on old".utf8))
        #expect(try await toBob.decrypt(encType: old.encType, old.serialized) == Data("reply on old".utf8))
    }

    @Test("a tampered signed prekey signature is refused and no session is stored")
    func badBundleSignature() async throws {
        let alice = LocalParty()
        let bob = LocalParty()
        var bundle = try await bob.bundle(preKeyID: 1, signedPreKeyID: 1)
        bundle.signedPreKeySignature[5] ^= 0x40
        await #expect(throws: SignalError.invalidSignature) {
            try await SessionBuilder(store: alice.store, address: Self.bobAddress).process(bundle)
        }
        #expect(await alice.store.sessionBytes(for: Self.bobAddress) == nil)
        await #expect(throws: SignalError.noSession(Self.bobAddress)) {
            try await alice.cipher(Self.bobAddress).encrypt(Data())
        }
    }

    @Test("truncated and mis-versioned messages give typed errors")
    func malformed() async throws {
        let (alice, bob) = try await pair()
        let message = try await alice.cipher(Self.bobAddress).encrypt(Data("x".utf8))
        let toAlice = bob.cipher(Self.aliceAddress)
        var wrongVersion = message.serialized
        wrongVersion[wrongVersion.startIndex] = 0x22
        await #expect(throws: SignalError.unsupportedVersion(0x22)) {
            try await toAlice.decrypt(preKeyMessage: wrongVersion)
        }
        await #expect(throws: SignalError.self) {
            try await toAlice.decrypt(preKeyMessage: message.serialized.prefix(20))
        }
        let stray = SignalMessage(
            ratchetKey: bob.identity.publicKey, counter: 0, previousCounter: 0, ciphertext: Data(count: 16),
            macKey: Data(count: 32), senderIdentity: alice.identity.publicKey,
            receiverIdentity: bob.identity.publicKey)
        let carol = SignalAddress(name: "carol", deviceID: 0)
        await #expect(throws: SignalError.noSession(carol)) {
            try await bob.cipher(carol).decrypt(signalMessage: stray.serialized)
        }
    }

    @Test("serialised session size after 100 messages each way")
    func sessionSize() async throws {
        let (alice, bob) = try await pair()
        let toBob = alice.cipher(Self.bobAddress)
        let toAlice = bob.cipher(Self.aliceAddress)
        for index in 0..<50 {
            let a = try await toBob.encrypt(Data(repeating: UInt8(index), count: 100))
            _ = try await toAlice.decrypt(encType: a.encType, a.serialized)
            let b = try await toAlice.encrypt(Data(repeating: UInt8(index), count: 100))
            _ = try await toBob.decrypt(encType: b.encType, b.serialized)
        }
        let size = try #require(await alice.store.sessionBytes(for: Self.bobAddress)).count
        // Five receiving chains, a sending chain, keys and ids: a few hundred bytes.
        #expect(size < 1000, "session record is \(size) bytes")
        print("session record after 100 messages: \(size) bytes")
    }
}
