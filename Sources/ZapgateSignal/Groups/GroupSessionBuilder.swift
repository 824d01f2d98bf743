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
            let signing = Curve25519KeyPair.generate()
            let seed = Curve25519KeyPair.generate().privateKey  // 32 random bytes
            let state = SenderKeyState(
                keyID: UInt32.random(in: 1...UInt32(Int32.max)),
                chainKey: SenderChainKey(iteration: 0, seed: seed),
                signingPublicKey: signing.publicKey,
                signingKeyPair: signing)
            record = SenderKeyRecord(states: [state])
            try await store.storeSenderKey(record, for: name)
        }
        guard let state = record.states.first else { throw .noSenderKey(name) }
        return SenderKeyDistributionMessage(
            keyID: state.keyID,
            iteration: state.chainKey.iteration,
            chainKey: state.chainKey.seed,
            signingKey: state.signingPublicKey)
    }

    /// Stores a sender key received from `name.sender` for `name.groupID`.
    public func process(_ message: SenderKeyDistributionMessage, from name: SenderKeyName)
        async throws(SignalError)
    {
        var record = try await store.loadSenderKey(for: name) ?? SenderKeyRecord()
        record.add(
            SenderKeyState(
                keyID: message.keyID,
                chainKey: SenderChainKey(iteration: message.iteration, seed: message.chainKey),
                signingPublicKey: message.signingKey,
                signingKeyPair: nil))
        try await store.storeSenderKey(record, for: name)
    }
}
