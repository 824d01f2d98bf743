import Foundation
import Testing
import ZapgateSignal
import ZapgateTestSupport

/// A rejected message must give a typed error and leave every stored byte as it was.
@Suite("Rejected messages leave state unchanged")
struct RejectedMessageTests {
    static let bob = SignalAddress(name: "bob", deviceID: 1)
    static let group = "120363000000000001@g.us"

    /// Everything a rejected 1:1 message could wrongly change: the session, the one-time
    /// prekeys (a consumed one cannot be restored) and the saved identity.
    private struct Stored: Equatable {
        let session: Data?
        let preKeyIDs: [UInt32]
        let identity: Data?

        init(_ party: LocalParty, _ address: SignalAddress) async {
            session = await party.store.sessionBytes(for: address)
            preKeyIDs = await party.store.preKeyIDs()
            identity = await party.store.identity(for: address)
        }
    }

    /// A session with axolotl "bob" that it started from our bundle (prekey 1), both sides
    /// having sent one message.
    private func establish(_ oracle: OracleProcess) async throws -> (LocalParty, AxolotlParty) {
        let alice = LocalParty()
        let bob = try AxolotlParty(oracle, name: "bob")
        try bob.process(try await alice.bundle(preKeyID: 1, signedPreKeyID: 1), from: "alice")
        let opening = try bob.encrypt([Data("open".utf8)], to: "alice")
        #expect(try await alice.cipher(Self.bob).decrypt(encType: "pkmsg", opening[0].1) == Data("open".utf8))
        let answer = try await alice.cipher(Self.bob).encrypt(Data("ok".utf8))
        _ = try bob.decrypt([(answer.encType, answer.serialized)], from: "alice")[0].get()
        return (alice, bob)
    }

    @Test("replaying a msg gives duplicateMessage and changes nothing")
    func replay() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let (alice, bob) = try await establish(oracle)
        let message = try bob.encrypt([Data("once".utf8)], to: "alice")[0].1
        let cipher = alice.cipher(Self.bob)
        #expect(try await cipher.decrypt(signalMessage: message) == Data("once".utf8))
        let before = await Stored(alice, Self.bob)
        await #expect(throws: SignalError.duplicateMessage(counter: 0)) {
            try await cipher.decrypt(signalMessage: message)
        }
        #expect(await Stored(alice, Self.bob) == before)
    }

    @Test("replaying the opening pkmsg gives duplicateMessage and changes nothing")
    func replayPreKeyMessage() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let alice = LocalParty()
        let bob = try AxolotlParty(oracle, name: "bob")
        try bob.process(try await alice.bundle(preKeyID: 1, signedPreKeyID: 1), from: "alice")
        let opening = try bob.encrypt([Data("open".utf8)], to: "alice")[0].1
        let cipher = alice.cipher(Self.bob)
        _ = try await cipher.decrypt(preKeyMessage: opening)
        let before = await Stored(alice, Self.bob)
        await #expect(throws: SignalError.duplicateMessage(counter: 0)) {
            try await cipher.decrypt(preKeyMessage: opening)
        }
        #expect(await Stored(alice, Self.bob) == before)
    }

    @Test("a flipped MAC bit gives invalidMAC and changes nothing, then the true message reads")
    func flippedMAC() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let (alice, bob) = try await establish(oracle)
        // Bob's next message carries a new ratchet key, so a forged copy would make us ratchet
        // if we worked on the stored state itself.
        let message = try bob.encrypt([Data("genuine".utf8)], to: "alice")[0].1
        let cipher = alice.cipher(Self.bob)
        let before = await Stored(alice, Self.bob)
        for bit in [0, 7, 63] {
            var forged = message
            forged[forged.endIndex - 8 + bit / 8] ^= UInt8(1 << (bit % 8))
            await #expect(throws: SignalError.invalidMAC) { try await cipher.decrypt(signalMessage: forged) }
            #expect(await Stored(alice, Self.bob) == before)
        }
        #expect(try await cipher.decrypt(signalMessage: message) == Data("genuine".utf8))
    }

    @Test("a pkmsg whose inner message has a flipped MAC gives invalidMAC and changes nothing")
    func flippedPreKeyMessageMAC() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let alice = LocalParty()
        let bob = try AxolotlParty(oracle, name: "bob")
        try bob.process(try await alice.bundle(preKeyID: 1, signedPreKeyID: 1), from: "alice")
        let opening = try bob.encrypt([Data("open".utf8)], to: "alice")[0]
        #expect(opening.0 == "pkmsg")
        // The inner SignalMessage sits verbatim in the outer protobuf; its MAC is its last 8 bytes.
        let inner = try PreKeySignalMessage(serialized: opening.1).message.serialized
        let range = try #require(opening.1.range(of: inner))
        var forged = opening.1
        forged[range.upperBound - 1] ^= 0x01
        let cipher = alice.cipher(Self.bob)
        let before = await Stored(alice, Self.bob)
        #expect(before.session == nil && before.preKeyIDs == [1] && before.identity == nil)
        await #expect(throws: SignalError.invalidMAC) { try await cipher.decrypt(preKeyMessage: forged) }
        #expect(await Stored(alice, Self.bob) == before)
        // The genuine message still builds the session and consumes the prekey.
        #expect(try await cipher.decrypt(preKeyMessage: opening.1) == Data("open".utf8))
        #expect(await alice.store.preKeyIDs().isEmpty)
        #expect(await alice.store.identity(for: Self.bob) == bob.identity)
    }

    @Test("a pkmsg naming a consumed prekey gives invalidPreKeyID and changes nothing")
    func consumedPreKey() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let alice = LocalParty()
        let bob = try AxolotlParty(oracle, name: "bob")
        let bundle = try await alice.bundle(preKeyID: 1, signedPreKeyID: 1)
        try bob.process(bundle, from: "alice")
        let cipher = alice.cipher(Self.bob)
        _ = try await cipher.decrypt(preKeyMessage: try bob.encrypt([Data("first".utf8)], to: "alice")[0].1)

        // Bob starts over from the same (now stale) bundle: new base key, prekey 1 again.
        try bob.process(bundle, from: "alice")
        let stale = try bob.encrypt([Data("second".utf8)], to: "alice")[0]
        #expect(stale.0 == "pkmsg")
        let before = await Stored(alice, Self.bob)
        await #expect(throws: SignalError.invalidPreKeyID(1)) {
            try await cipher.decrypt(preKeyMessage: stale.1)
        }
        #expect(await Stored(alice, Self.bob) == before)
        #expect(await alice.store.preKeyIDs().isEmpty)
    }

    @Test("a changed identity gives untrustedIdentity, changes nothing, and can be accepted")
    func changedIdentity() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        let (alice, bob) = try await establish(oracle)
        // Bob reinstalls: a new identity key, a session from a fresh bundle of ours.
        let reinstalled = try AxolotlParty(oracle, name: "bob-reinstalled")
        try reinstalled.process(try await alice.bundle(preKeyID: 2, signedPreKeyID: 2), from: "alice")
        let opening = try reinstalled.encrypt([Data("new phone".utf8)], to: "alice")[0].1
        let cipher = alice.cipher(Self.bob)
        let before = await Stored(alice, Self.bob)
        await #expect(throws: SignalError.untrustedIdentity(Self.bob, identityKey: reinstalled.identity)) {
            try await cipher.decrypt(preKeyMessage: opening)
        }
        #expect(await Stored(alice, Self.bob) == before)
        #expect(await alice.store.preKeyIDs() == [2])
        #expect(await alice.store.identity(for: Self.bob) == bob.identity)
        // The caller reports the change and accepts it; the retried message now reads.
        #expect(try await cipher.acceptIdentityChange(reinstalled.identity))
        // The old session is archived, so nothing is sent on it to the new key by mistake.
        await #expect(throws: SignalError.noSession(Self.bob)) { try await cipher.encrypt(Data("x".utf8)) }
        #expect(try await cipher.decrypt(preKeyMessage: opening) == Data("new phone".utf8))
        #expect(await alice.store.preKeyIDs().isEmpty)
    }

    @Test("a replayed or forged skmsg gives a typed error and changes nothing")
    func senderKeyRejections() async throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        _ = try AxolotlParty(oracle, name: "bob")
        let alice = LocalParty()
        let name = SenderKeyName(groupID: Self.group, sender: Self.bob)
        let request: [String: Any] = ["party": "bob", "group": Self.group, "sender": "bob", "device": 1]
        let skdm = try hexField(try oracle.call(request.merging(["op": "group_create"]) { $1 }), "skdm")
        try await GroupSessionBuilder(store: alice.store)
            .process(try SenderKeyDistributionMessage(serialized: skdm), from: name)
        let message = try hexField(
            try oracle.call(request.merging(["op": "group_encrypt", "pt": "abcd"]) { $1 }), "ct")
        let cipher = GroupCipher(store: alice.store, name: name)

        var forged = message
        forged[forged.endIndex - 1] ^= 0x01
        let fresh = await alice.store.senderKeyBytes(for: name)
        await #expect(throws: SignalError.invalidSignature) { try await cipher.decrypt(forged) }
        #expect(await alice.store.senderKeyBytes(for: name) == fresh)

        #expect(try await cipher.decrypt(message) == Data([0xAB, 0xCD]))
        let before = await alice.store.senderKeyBytes(for: name)
        await #expect(throws: SignalError.duplicateMessage(counter: 0)) { try await cipher.decrypt(message) }
        #expect(await alice.store.senderKeyBytes(for: name) == before)

        let stranger = SenderKeyName(groupID: Self.group, sender: SignalAddress(name: "carol", deviceID: 3))
        await #expect(throws: SignalError.noSenderKey(stranger)) {
            try await GroupCipher(store: alice.store, name: stranger).decrypt(message)
        }
    }
}
