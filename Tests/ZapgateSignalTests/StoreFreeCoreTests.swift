import Foundation
import Testing
import ZapgateSignal

/// The synchronous, store-free cores (what the benchmarks and transactional stores use),
/// exercised exactly as the benchmark executable drives them.
@Suite("Store-free session and sender-key cores")
struct StoreFreeCoreTests {
    @Test("X3DH both ways, one-way and ping-pong ratchet, sender keys, record size")
    func benchmarkPaths() throws {
        let aliceIdentity = SignalKeys.generateIdentityKeyPair()
        let bobIdentity = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: bobIdentity, id: 1)
        let preKey = try #require(SignalKeys.generatePreKeys(start: 1, count: 1).first)
        let bundle = PreKeyBundle(
            registrationID: 2, deviceID: 1, preKeyID: preKey.id, preKeyPublic: preKey.keyPair.publicKey,
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
                oneTimePreKey: preKey))
        #expect(try bob.decrypt(opening.message) == Data("hi".utf8))

        let payload = Data(repeating: 0x61, count: 100)
        for round in 0..<50 {
            let a = try bob.encrypt(payload)
            #expect(try alice.decrypt(try SignalMessage(serialized: a.serialized)) == payload)
            guard case .signal(let b) = try alice.encrypt(payload + Data([UInt8(round)])) else {
                Issue.record("after a reply alice should send msg")
                return
            }
            #expect(
                try bob.decrypt(try SignalMessage(serialized: b.serialized)) == payload + Data([UInt8(round)])
            )
        }
        #expect(alice.serialized().count < 1000)

        var mine = SenderKeyRecord.newOwnSenderKey()
        var theirs = SenderKeyRecord()
        theirs.process(try #require(mine.distributionMessage))
        for _ in 0..<10 {
            let message = try #require(try mine.encrypt(payload))
            #expect(try theirs.decrypt(try SenderKeyMessage(serialized: message.serialized)) == payload)
        }
    }
}
