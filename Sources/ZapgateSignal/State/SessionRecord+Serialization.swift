import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

extension SessionRecord {
    /// Compact protobuf bytes (our own `SessionRecordStructure`, see signal_state.proto).
    public func serialized() -> Data {
        var proto = WASessionRecordStructure()
        if let current { proto.current = current.record }
        proto.previous = previous.map(\.record)
        return (try? proto.serializedData()) ?? Data()
    }

    /// Restores a record from `serialized()` bytes.
    public init(serialized data: Data) throws(SignalError) {
        let proto: WASessionRecordStructure
        do {
            proto = try WASessionRecordStructure(serializedBytes: data)
        } catch {
            throw .storeFailure("stored session record does not parse")
        }
        var previous: [SessionState] = []
        for state in proto.previous { previous.append(try SessionState(record: state)) }
        self.init(
            current: proto.hasCurrent ? try SessionState(record: proto.current) : nil, previous: previous)
    }
}

extension SessionState {
    var record: WASessionStateRecord {
        var out = WASessionStateRecord()
        out.version = version
        out.localIdentityKey = localIdentityKey
        out.remoteIdentityKey = remoteIdentityKey
        out.rootKey = rootKey.key
        out.previousCounter = previousCounter
        var sending = WASendingChain()
        sending.ratchetPublicKey = sendingChain.ratchetKeyPair.publicKey
        sending.ratchetPrivateKey = sendingChain.ratchetKeyPair.privateKey
        sending.chainKey = sendingChain.chainKey.record
        out.sendingChain = sending
        out.receivingChains = receivingChains.map { chain in
            var receiving = WAReceivingChain()
            receiving.ratchetKey = chain.ratchetKey
            receiving.chainKey = chain.chainKey.record
            receiving.skippedKeys = chain.skippedKeys.map { key in
                var skipped = WASkippedMessageKey()
                skipped.index = key.counter
                skipped.seed = key.seed
                return skipped
            }
            return receiving
        }
        if let pendingPreKey {
            var pending = WAPendingPreKey()
            if let id = pendingPreKey.preKeyID { pending.preKeyID = id }
            pending.signedPreKeyID = pendingPreKey.signedPreKeyID
            pending.baseKey = pendingPreKey.baseKey
            out.pendingPreKey = pending
        }
        out.localRegistrationID = localRegistrationID
        out.remoteRegistrationID = remoteRegistrationID
        out.aliceBaseKey = aliceBaseKey
        return out
    }

    init(record: WASessionStateRecord) throws(SignalError) {
        let keyPair: Curve25519KeyPair
        do {
            keyPair = try Curve25519KeyPair(privateKey: record.sendingChain.ratchetPrivateKey)
        } catch {
            throw .storeFailure("stored session has no usable sending ratchet key")
        }
        self.init(
            version: record.version,
            localIdentityKey: record.localIdentityKey,
            remoteIdentityKey: record.remoteIdentityKey,
            rootKey: RootKey(key: record.rootKey),
            previousCounter: record.previousCounter,
            sendingChain: SendingChain(
                ratchetKeyPair: keyPair, chainKey: ChainKey(record: record.sendingChain.chainKey)),
            receivingChains: record.receivingChains.map { chain in
                ReceivingChain(
                    ratchetKey: chain.ratchetKey,
                    chainKey: ChainKey(record: chain.chainKey),
                    skippedKeys: chain.skippedKeys.map { SkippedKey(counter: $0.index, seed: $0.seed) })
            },
            pendingPreKey: record.hasPendingPreKey
                ? PendingPreKey(
                    preKeyID: record.pendingPreKey.hasPreKeyID ? record.pendingPreKey.preKeyID : nil,
                    signedPreKeyID: record.pendingPreKey.signedPreKeyID,
                    baseKey: record.pendingPreKey.baseKey)
                : nil,
            localRegistrationID: record.localRegistrationID,
            remoteRegistrationID: record.remoteRegistrationID,
            aliceBaseKey: record.aliceBaseKey)
    }
}

extension ChainKey {
    var record: WASessionChainKey {
        var out = WASessionChainKey()
        out.index = index
        out.key = key
        return out
    }

    init(record: WASessionChainKey) {
        self.init(key: record.key, index: record.index)
    }
}
