import Foundation
import ZapgateCrypto

/// One step of a symmetric (sending or receiving) chain: the key and its position.
public struct ChainKey: Sendable, Equatable {
    public let key: Data
    public let index: UInt32

    public init(key: Data, index: UInt32) {
        self.key = key
        self.index = index
    }

    /// The chain key one message later. The index comes from the peer's counters, so the last
    /// step is refused rather than allowed to overflow.
    public func next() throws(SignalError) -> ChainKey {
        guard index < UInt32.max else { throw .chainExhausted(index: index) }
        return ChainKey(
            key: HMACSHA256.authenticationCode(for: SignalKDF.chainKeySeed, key: key), index: index + 1)
    }

    /// The 32 bytes the message keys of this step expand from (kept for skipped messages).
    public var messageKeySeed: Data {
        HMACSHA256.authenticationCode(for: SignalKDF.messageKeySeed, key: key)
    }

    /// The AES key, MAC key and IV for the message at this step.
    public func messageKeys() throws(SignalError) -> MessageKeys {
        try MessageKeys(seed: messageKeySeed, counter: index)
    }
}

/// The keys of one 1:1 message: AES-256-CBC key, HMAC-SHA256 key and CBC IV.
public struct MessageKeys: Sendable, Equatable {
    public let cipherKey: Data
    public let macKey: Data
    public let iv: Data
    public let counter: UInt32

    /// Expands a message-key seed into 80 bytes: key (32) ‖ MAC key (32) ‖ IV (16). Seeds of
    /// skipped keys come back from storage, so a seed that is not 32 bytes is refused.
    public init(seed: Data, counter: UInt32) throws(SignalError) {
        guard seed.count == 32 else { throw .invalidKey("message key seed is \(seed.count) bytes, not 32") }
        let bytes = SignalKDF.derive(seed, info: SignalKDF.messageKeysInfo, count: 80)
        guard bytes.count == 80 else { throw .invalidKey("message key expansion gave \(bytes.count) bytes") }
        cipherKey = bytes.subdata(in: bytes.startIndex..<bytes.startIndex + 32)
        macKey = bytes.subdata(in: bytes.startIndex + 32..<bytes.startIndex + 64)
        iv = bytes.subdata(in: bytes.startIndex + 64..<bytes.startIndex + 80)
        self.counter = counter
    }
}

/// The root key of the double ratchet; each DH ratchet step turns it into a new root key and a
/// fresh chain key.
public struct RootKey: Sendable, Equatable {
    public let key: Data

    public init(key: Data) {
        self.key = key
    }

    /// Mixes `DH(ours, theirs)` into the root key (as HKDF salt) and splits the output.
    public func step(theirRatchetKey: Data, ourRatchetKey: Curve25519KeyPair) throws(SignalError)
        -> (rootKey: RootKey, chainKey: ChainKey)
    {
        let shared = try agreement(ourRatchetKey, theirRatchetKey, what: "ratchet key")
        let bytes = SignalKDF.derive(shared, salt: key, info: SignalKDF.ratchetInfo, count: 64)
        return (
            RootKey(key: bytes.subdata(in: bytes.startIndex..<bytes.startIndex + 32)),
            ChainKey(key: bytes.subdata(in: bytes.startIndex + 32..<bytes.startIndex + 64), index: 0)
        )
    }
}

/// X25519 with a typed error naming the key that was refused.
func agreement(_ ours: Curve25519KeyPair, _ theirs: Data, what: String) throws(SignalError) -> Data {
    do {
        return try ours.sharedSecret(with: theirs)
    } catch {
        throw .invalidKey("\(what) is not a usable Curve25519 point")
    }
}
