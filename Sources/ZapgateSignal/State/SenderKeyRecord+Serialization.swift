import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

extension SenderKeyRecord {
    /// Compact protobuf bytes (our own `SenderKeyRecordStructure`, see signal_state.proto).
    public func serialized() -> Data {
        var proto = WASenderKeyRecordStructure()
        proto.states = states.map { state in
            var out = WASenderKeyStateRecord()
            out.keyID = state.keyID
            out.iteration = state.chainKey.iteration
            out.chainKey = state.chainKey.seed
            out.signingPublicKey = state.signingPublicKey
            if let pair = state.signingKeyPair { out.signingPrivateKey = pair.privateKey }
            out.skippedKeys = state.skippedKeys.map { key in
                var skipped = WASenderMessageKeySeed()
                skipped.iteration = key.iteration
                skipped.seed = key.seed
                return skipped
            }
            return out
        }
        return (try? proto.serializedData()) ?? Data()
    }

    /// Restores a record from `serialized()` bytes.
    public init(serialized data: Data) throws(SignalError) {
        let proto: WASenderKeyRecordStructure
        do {
            proto = try WASenderKeyRecordStructure(serializedBytes: data)
        } catch {
            throw .storeFailure("stored sender key record does not parse")
        }
        var states: [SenderKeyState] = []
        for record in proto.states {
            var pair: Curve25519KeyPair?
            if record.hasSigningPrivateKey {
                do {
                    pair = try Curve25519KeyPair(privateKey: record.signingPrivateKey)
                } catch {
                    throw .storeFailure("stored sender signing key is not usable")
                }
            }
            states.append(
                SenderKeyState(
                    keyID: record.keyID,
                    chainKey: SenderChainKey(iteration: record.iteration, seed: record.chainKey),
                    signingPublicKey: record.signingPublicKey,
                    signingKeyPair: pair,
                    skippedKeys: record.skippedKeys.map { .init(iteration: $0.iteration, seed: $0.seed) }))
        }
        self.init(states: states)
    }
}
