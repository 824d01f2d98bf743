import Foundation
import Testing
import ZapgateCrypto

@testable import ZapgateSignal

/// Counters and iterations come from the network; a chain at `UInt32.max` must refuse to step
/// (typed error, state unchanged) rather than overflow and trap.
@Suite("Chains at UInt32.max refuse to step")
struct ChainExhaustionTests {
    static let group = "120363000000000002@g.us"
    static let them = SenderKeyName(groupID: group, sender: SignalAddress(name: "mallory", deviceID: 1))

    @Test("ChainKey and SenderChainKey step to UInt32.max and no further")
    func chainSteps() throws {
        let seed = Data(0..<32)
        #expect(try ChainKey(key: seed, index: .max - 1).next().index == .max)
        #expect(throws: SignalError.chainExhausted(index: .max)) {
            try ChainKey(key: seed, index: .max).next()
        }
        #expect(try SenderChainKey(iteration: .max - 1, seed: seed).next().iteration == .max)
        #expect(throws: SignalError.chainExhausted(index: .max)) {
            try SenderChainKey(iteration: .max, seed: seed).next()
        }
    }

    @Test("an SKDM at iteration UInt32.max is refused and nothing is stored")
    func distributionAtMax() async throws {
        let own = SenderKeyRecord.newOwnSenderKey()
        let state = try #require(own.states.first)
        let hostile = SenderKeyDistributionMessage(
            keyID: state.keyID, iteration: .max, chainKey: state.chainKey.seed,
            signingKey: state.signingPublicKey)
        #expect(throws: SignalError.chainExhausted(index: .max)) {
            try SenderKeyDistributionMessage(serialized: hostile.serialized)
        }
        let store = InMemorySignalStore(
            identity: SignalKeys.generateIdentityKeyPair(),
            registrationID: SignalKeys.generateRegistrationID())
        await #expect(throws: SignalError.chainExhausted(index: .max)) {
            try await GroupSessionBuilder(store: store).process(hostile, from: Self.them)
        }
        #expect(await store.senderKeyBytes(for: Self.them) == nil)
        // One below the limit is still a usable key.
        let last = SenderKeyDistributionMessage(
            keyID: state.keyID, iteration: .max - 1, chainKey: state.chainKey.seed,
            signingKey: state.signingPublicKey)
        #expect(try SenderKeyDistributionMessage(serialized: last.serialized).iteration == UInt32.max - 1)
    }

    @Test("a signed skmsg at iteration UInt32.max gives chainExhausted and changes nothing")
    func senderKeyMessageAtMax() async throws {
        // The sender owns the signing key, so the signature is valid at every iteration.
        var mine = SenderKeyRecord.newOwnSenderKey()
        let seed = try #require(mine.states.first).chainKey.seed
        mine.states[0].chainKey = SenderChainKey(iteration: .max - 1, seed: seed)
        let signing = try #require(mine.states[0].signingKeyPair)
        let distribution = try #require(mine.distributionMessage)

        let store = InMemorySignalStore(
            identity: SignalKeys.generateIdentityKeyPair(),
            registrationID: SignalKeys.generateRegistrationID())
        try await GroupSessionBuilder(store: store)
            .process(try SenderKeyDistributionMessage(serialized: distribution.serialized), from: Self.them)
        let cipher = GroupCipher(store: store, name: Self.them)
        let fresh = await store.senderKeyBytes(for: Self.them)

        // Straight to the last iteration (one skipped key on the way), then the one it names.
        let atMax = try SenderKeyMessage(
            keyID: distribution.keyID, iteration: .max, ciphertext: Data(repeating: 0, count: 16),
            signingKey: signing)
        await #expect(throws: SignalError.chainExhausted(index: .max)) {
            try await cipher.decrypt(atMax.serialized)
        }
        #expect(await store.senderKeyBytes(for: Self.them) == fresh)

        let penultimate = try #require(try mine.encrypt(Data("last".utf8)))
        #expect(penultimate.iteration == UInt32.max - 1)
        #expect(try await cipher.decrypt(penultimate.serialized) == Data("last".utf8))
        let before = await store.senderKeyBytes(for: Self.them)
        await #expect(throws: SignalError.chainExhausted(index: .max)) {
            try await cipher.decrypt(atMax.serialized)
        }
        #expect(await store.senderKeyBytes(for: Self.them) == before)

        // Our own chain is exhausted too: encrypting refuses and leaves the record as it was.
        let exhausted = mine
        #expect(throws: SignalError.chainExhausted(index: .max)) { try mine.encrypt(Data("x".utf8)) }
        #expect(mine == exhausted)
    }

    @Test("a 1:1 chain at UInt32.max refuses to send or receive and changes nothing")
    func sessionChainAtMax() throws {
        let aliceIdentity = SignalKeys.generateIdentityKeyPair()
        let bobIdentity = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: bobIdentity, id: 1)
        let bundle = PreKeyBundle(
            registrationID: 2, deviceID: 1, preKeyID: nil, preKeyPublic: nil,
            signedPreKeyID: signed.id, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: bobIdentity.publicKey)
        var alice = SessionRecord(
            current: try SessionState.initiating(with: bundle, identity: aliceIdentity, registrationID: 1))
        guard case .preKey(let opening) = try alice.encrypt(Data("hi".utf8)) else {
            Issue.record("the first message should be a pkmsg")
            return
        }
        var bob = SessionRecord(
            current: try SessionState.responding(
                to: opening, identity: bobIdentity, registrationID: 2, signedPreKey: signed,
                oneTimePreKey: nil))
        #expect(try bob.decrypt(opening.message) == Data("hi".utf8))

        // Both ends of Alice's sending chain jump to the last usable index.
        var aliceState = try #require(alice.current)
        var bobState = try #require(bob.current)
        let key = aliceState.sendingChain.chainKey.key
        #expect(bobState.receivingChains.last?.chainKey.key == key)
        aliceState.sendingChain.chainKey = ChainKey(key: key, index: .max - 1)
        bobState.receivingChains[bobState.receivingChains.count - 1].chainKey = ChainKey(
            key: key, index: .max - 1)
        alice.current = aliceState
        bob.current = bobState

        let last = try alice.encrypt(Data("last".utf8))
        guard case .preKey(let lastMessage) = last else {
            Issue.record("alice has had no reply, so she still sends pkmsg")
            return
        }
        #expect(lastMessage.message.counter == UInt32.max - 1)
        #expect(try bob.decrypt(lastMessage.message) == Data("last".utf8))

        let aliceBefore = alice
        #expect(throws: SignalError.chainExhausted(index: .max)) { try alice.encrypt(Data("x".utf8)) }
        #expect(alice == aliceBefore)

        // A correctly MACed message at counter UInt32.max (as a hostile peer could send).
        let bobBefore = bob
        let chain = try #require(bob.current?.receivingChains.last)
        #expect(chain.chainKey.index == .max)
        let keys = try chain.chainKey.messageKeys()
        let atMax = SignalMessage(
            ratchetKey: chain.ratchetKey, counter: .max, previousCounter: 0,
            ciphertext: try AESCBC.encrypt(Data("boom".utf8), key: keys.cipherKey, iv: keys.iv),
            macKey: keys.macKey, senderIdentity: aliceIdentity.publicKey,
            receiverIdentity: bobIdentity.publicKey)
        #expect(throws: SignalError.chainExhausted(index: .max)) {
            try bob.decrypt(try SignalMessage(serialized: atMax.serialized))
        }
        #expect(bob == bobBefore)
    }
}
