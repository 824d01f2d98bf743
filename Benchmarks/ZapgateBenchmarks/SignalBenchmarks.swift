import Foundation
import ZapgateSignal

/// The Signal layer through its synchronous, store-free cores, so the figures measure the
/// protocol and not a store.
enum SignalBenchmarks {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run() throws -> (results: [Measurement], sessionBytesAfter100: Int) {
        let aliceIdentity = SignalKeys.generateIdentityKeyPair()
        let bobIdentity = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: bobIdentity, id: 1)
        guard let preKey = SignalKeys.generatePreKeys(start: 1, count: 1).first else {
            throw Failure(description: "no prekey generated")
        }
        let bundle = PreKeyBundle(
            registrationID: 2, deviceID: 1, preKeyID: preKey.id, preKeyPublic: preKey.keyPair.publicKey,
            signedPreKeyID: signed.id, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: bobIdentity.publicKey)

        var results: [Measurement] = []
        results.append(
            try measure("Signal session build from bundle (verify + X3DH)") {
                _ = try SessionState.initiating(with: bundle, identity: aliceIdentity, registrationID: 1)
            })

        var alice = SessionRecord(
            current: try SessionState.initiating(with: bundle, identity: aliceIdentity, registrationID: 1))
        guard case .preKey(let opening) = try alice.encrypt(Data("hi".utf8)) else {
            throw Failure(description: "the first message was not a pkmsg")
        }
        var bob = SessionRecord(
            current: try SessionState.responding(
                to: opening, identity: bobIdentity, registrationID: 2, signedPreKey: signed,
                oneTimePreKey: preKey))
        _ = try bob.decrypt(opening.message)
        let payload = Data(repeating: 0x61, count: 100)
        // 100 messages, 50 each way, as the issue measures the stored session size.
        for _ in 0..<50 {
            _ = try alice.decrypt(try SignalMessage(serialized: try bob.encrypt(payload).serialized))
            _ = try bob.decrypt(try SignalMessage(serialized: try alice.encrypt(payload).serialized))
        }
        let sessionBytes = alice.serialized().count

        results.append(
            try measure("Signal ratchet encrypt+decrypt, 100 B, same direction", bytesPerOperation: 100) {
                _ = try bob.decrypt(try SignalMessage(serialized: try alice.encrypt(payload).serialized))
            })
        results.append(
            try measure("Signal ratchet ping-pong (a DH step per message), 100 B", bytesPerOperation: 200) {
                _ = try bob.decrypt(try SignalMessage(serialized: try alice.encrypt(payload).serialized))
                _ = try alice.decrypt(try SignalMessage(serialized: try bob.encrypt(payload).serialized))
            })

        var mine = SenderKeyRecord.newOwnSenderKey()
        var theirs = SenderKeyRecord()
        guard let distribution = mine.distributionMessage else {
            throw Failure(description: "no sender-key distribution message")
        }
        theirs.process(distribution)
        results.append(
            try measure("Signal sender-key encrypt+decrypt, 100 B", bytesPerOperation: 100) {
                guard let message = try mine.encrypt(payload) else {
                    throw Failure(description: "sender key could not encrypt")
                }
                _ = try theirs.decrypt(try SenderKeyMessage(serialized: message.serialized))
            })
        return (results, sessionBytes)
    }
}
