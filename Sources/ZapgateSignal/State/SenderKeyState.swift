import Foundation
import ZapgateCrypto

/// One sender key of one group sender: its id, hash chain, signing key and the message keys
/// kept for iterations that arrived out of order.
public struct SenderKeyState: Sendable, Equatable {
    /// Skipped message keys kept per sender key; the oldest go first.
    public static let maximumSkippedKeys = 2000
    /// How far ahead of the chain an iteration may jump.
    public static let maximumForwardJump: UInt32 = 2000

    public var keyID: UInt32
    public var chainKey: SenderChainKey
    /// The sender's public signing key (32 bytes).
    public var signingPublicKey: Data
    /// Present only for our own sender keys.
    public var signingKeyPair: Curve25519KeyPair?
    /// Oldest first.
    public var skippedKeys: [SenderChainKey.Skipped] = []
}

extension SenderChainKey {
    /// A message-key seed kept for a skipped iteration.
    public struct Skipped: Sendable, Equatable {
        public var iteration: UInt32
        public var seed: Data
    }
}

/// All sender keys known for one (group, sender): newest first, at most five, as libsignal
/// keeps them so messages under a just-replaced key still decrypt.
public struct SenderKeyRecord: Sendable, Equatable {
    public static let maximumStates = 5

    public var states: [SenderKeyState]

    public init(states: [SenderKeyState] = []) {
        self.states = states
    }

    public var isEmpty: Bool { states.isEmpty }

    /// Adds a state received in a distribution message, newest first. A repeat of a key we
    /// already hold is ignored: our copy is at least as far along, and resetting it would let
    /// already-read iterations decrypt a second time.
    mutating func add(_ state: SenderKeyState) {
        if states.contains(where: { $0.keyID == state.keyID && $0.signingPublicKey == state.signingPublicKey }
        ) {
            return
        }
        states.insert(state, at: 0)
        if states.count > Self.maximumStates { states.removeLast(states.count - Self.maximumStates) }
    }
}
