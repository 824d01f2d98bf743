import Foundation
import ZapgateCrypto

/// One double-ratchet session with a peer device: the root key, our sending chain and the
/// peer's recent receiving chains (with any message keys kept for out-of-order delivery).
///
/// A value type on purpose: a cipher mutates a copy and stores it only if the whole operation
/// succeeded, so a rejected message leaves the stored state untouched.
public struct SessionState: Sendable, Equatable {
    /// At most this many of the peer's ratchet chains are kept; older ones are dropped, as in
    /// libsignal, so a message on a chain five ratchet steps old can no longer be read.
    public static let maximumReceivingChains = 5
    /// How far ahead of a chain a counter may jump; a hostile counter cannot make us derive
    /// more keys than this for one message.
    public static let maximumForwardJump: UInt32 = 2000
    /// Skipped message keys kept per receiving chain; the oldest go first. With the chain limit
    /// a session holds at most 10,000 skipped keys.
    public static let maximumSkippedKeysPerChain = 2000

    public struct SendingChain: Sendable, Equatable {
        public var ratchetKeyPair: Curve25519KeyPair
        public var chainKey: ChainKey
    }

    public struct ReceivingChain: Sendable, Equatable {
        /// The peer's ratchet public key this chain belongs to.
        public var ratchetKey: Data
        public var chainKey: ChainKey
        /// Message-key seeds of counters we passed over, oldest first.
        public var skippedKeys: [SkippedKey]
    }

    public struct SkippedKey: Sendable, Equatable {
        public var counter: UInt32
        public var seed: Data
    }

    /// What an initiator repeats in each message until the responder's first reply arrives.
    public struct PendingPreKey: Sendable, Equatable {
        public var preKeyID: UInt32?
        public var signedPreKeyID: UInt32
        public var baseKey: Data
    }

    public var version: UInt32 = 3
    public var localIdentityKey: Data
    public var remoteIdentityKey: Data
    public var rootKey: RootKey
    public var previousCounter: UInt32 = 0
    public var sendingChain: SendingChain
    /// Oldest first.
    public var receivingChains: [ReceivingChain] = []
    public var pendingPreKey: PendingPreKey?
    public var localRegistrationID: UInt32 = 0
    public var remoteRegistrationID: UInt32 = 0
    /// The initiator's X3DH base key; identifies which PreKeySignalMessage built this state.
    public var aliceBaseKey: Data = Data()
}

extension SessionState {
    func receivingChainIndex(for ratchetKey: Data) -> Int? {
        receivingChains.firstIndex { $0.ratchetKey == ratchetKey }
    }

    mutating func addReceivingChain(ratchetKey: Data, chainKey: ChainKey) {
        receivingChains.append(ReceivingChain(ratchetKey: ratchetKey, chainKey: chainKey, skippedKeys: []))
        if receivingChains.count > Self.maximumReceivingChains {
            receivingChains.removeFirst(receivingChains.count - Self.maximumReceivingChains)
        }
    }
}
