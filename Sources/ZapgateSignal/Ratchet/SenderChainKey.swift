import Foundation
import ZapgateCrypto

/// The hash chain of a group sender key: each iteration yields one message key.
public struct SenderChainKey: Sendable, Equatable {
    public let iteration: UInt32
    public let seed: Data

    public init(iteration: UInt32, seed: Data) {
        self.iteration = iteration
        self.seed = seed
    }

    /// The chain one iteration later. The iteration comes from the network (a distribution
    /// message or a group message), so the last one is refused rather than allowed to overflow.
    public func next() throws(SignalError) -> SenderChainKey {
        guard iteration < UInt32.max else { throw .chainExhausted(index: iteration) }
        return SenderChainKey(
            iteration: iteration + 1,
            seed: HMACSHA256.authenticationCode(for: SignalKDF.chainKeySeed, key: seed))
    }

    /// The seed of this iteration's message key (what a receiver keeps for a skipped message).
    public var messageKeySeed: Data {
        HMACSHA256.authenticationCode(for: SignalKDF.messageKeySeed, key: seed)
    }

    public func messageKey() throws(SignalError) -> SenderMessageKey {
        try SenderMessageKey(iteration: iteration, seed: messageKeySeed)
    }
}

/// The AES-256-CBC key and IV of one group message.
public struct SenderMessageKey: Sendable, Equatable {
    public let iteration: UInt32
    public let seed: Data
    public let iv: Data
    public let cipherKey: Data

    /// Expands the seed into 48 bytes: IV (16) ‖ key (32). Seeds of skipped keys come back
    /// from storage, so a seed that is not 32 bytes is refused.
    public init(iteration: UInt32, seed: Data) throws(SignalError) {
        guard seed.count == 32 else {
            throw .invalidKey("sender message key seed is \(seed.count) bytes, not 32")
        }
        let bytes = SignalKDF.derive(seed, info: SignalKDF.groupInfo, count: 48)
        guard bytes.count == 48 else {
            throw .invalidKey("sender message key expansion gave \(bytes.count) bytes")
        }
        self.iteration = iteration
        self.seed = seed
        iv = bytes.subdata(in: bytes.startIndex..<bytes.startIndex + 16)
        cipherKey = bytes.subdata(in: bytes.startIndex + 16..<bytes.startIndex + 48)
    }
}
