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

    public func next() -> SenderChainKey {
        SenderChainKey(
            iteration: iteration + 1,
            seed: HMACSHA256.authenticationCode(for: SignalKDF.chainKeySeed, key: seed))
    }

    /// The seed of this iteration's message key (what a receiver keeps for a skipped message).
    public var messageKeySeed: Data {
        HMACSHA256.authenticationCode(for: SignalKDF.messageKeySeed, key: seed)
    }

    public func messageKey() -> SenderMessageKey {
        SenderMessageKey(iteration: iteration, seed: messageKeySeed)
    }
}

/// The AES-256-CBC key and IV of one group message.
public struct SenderMessageKey: Sendable, Equatable {
    public let iteration: UInt32
    public let seed: Data
    public let iv: Data
    public let cipherKey: Data

    /// Expands the seed into 48 bytes: IV (16) ‖ key (32).
    public init(iteration: UInt32, seed: Data) {
        let bytes = SignalKDF.derive(seed, info: SignalKDF.groupInfo, count: 48)
        self.iteration = iteration
        self.seed = seed
        iv = bytes.subdata(in: bytes.startIndex..<bytes.startIndex + 16)
        cipherKey = bytes.subdata(in: bytes.startIndex + 16..<bytes.startIndex + 48)
    }
}
