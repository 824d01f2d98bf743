import Foundation
import ZapgateCrypto

/// Creates our own sender key for a group and takes in the sender keys others distribute.
public struct GroupSessionBuilder: Sendable {
    public let store: any SenderKeyStore

    public init(store: any SenderKeyStore) {
        self.store = store
    }

    /// Our distribution message for `name` (our own address in the group), creating the sender
    /// key on first use. Send it pairwise to every group device that lacks it.
    public func createDistributionMessage(for name: SenderKeyName) async throws(SignalError)
        -> SenderKeyDistributionMessage
    {
        var record = try await store.loadSenderKey(for: name) ?? SenderKeyRecord()
        if record.states.first?.signingKeyPair == nil {
            record = .newOwnSenderKey()
            try await store.storeSenderKey(record, for: name)
        }
        guard let message = record.distributionMessage else { throw .noSenderKey(name) }
        return message
    }

    /// Stores a sender key received from `name.sender` for `name.groupID`.
    public func process(_ message: SenderKeyDistributionMessage, from name: SenderKeyName)
        async throws(SignalError)
    {
        // The parser refuses this already; checked again for messages built in-process.
        guard message.iteration < UInt32.max else { throw .chainExhausted(index: message.iteration) }
        var record = try await store.loadSenderKey(for: name) ?? SenderKeyRecord()
        record.process(message)
        try await store.storeSenderKey(record, for: name)
    }
}

extension SenderKeyRecord {
    /// A record holding one fresh sender key of our own: random 31-bit id, random chain key,
    /// new signing key pair, iteration 0.
    public static func newOwnSenderKey() -> SenderKeyRecord {
        let signing = Curve25519KeyPair.generate()
        let seed = Curve25519KeyPair.generate().privateKey  // 32 random bytes
        return SenderKeyRecord(states: [
            SenderKeyState(
                keyID: UInt32.random(in: 1...UInt32(Int32.max)),
                chainKey: SenderChainKey(iteration: 0, seed: seed),
                signingPublicKey: signing.publicKey,
                signingKeyPair: signing)
        ])
    }

    /// The distribution message for the newest key, from its current iteration.
    public var distributionMessage: SenderKeyDistributionMessage? {
        guard let state = states.first else { return nil }
        return SenderKeyDistributionMessage(
            keyID: state.keyID,
            iteration: state.chainKey.iteration,
            chainKey: state.chainKey.seed,
            signingKey: state.signingPublicKey)
    }

    /// Adds the sender key a distribution message carries (see `add(_:)` for repeats).
    public mutating func process(_ message: SenderKeyDistributionMessage) {
        add(
            SenderKeyState(
                keyID: message.keyID,
                chainKey: SenderChainKey(iteration: message.iteration, seed: message.chainKey),
                signingPublicKey: message.signingKey,
                signingKeyPair: nil))
    }
}
