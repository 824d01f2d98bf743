import Foundation
import ZapgateCrypto

/// A one-time prekey: handed out once in a bundle and deleted when a session uses it.
public struct PreKeyRecord: Sendable, Equatable {
    /// A 24-bit id, as WhatsApp uploads them (three bytes on the wire).
    public let id: UInt32
    public let keyPair: Curve25519KeyPair

    public init(id: UInt32, keyPair: Curve25519KeyPair) {
        self.id = id
        self.keyPair = keyPair
    }
}

/// A medium-term prekey signed by the identity key; every bundle carries one.
public struct SignedPreKeyRecord: Sendable, Equatable {
    public let id: UInt32
    public let keyPair: Curve25519KeyPair
    /// XEdDSA signature by the identity key over `0x05 ‖ publicKey`.
    public let signature: Data

    public init(id: UInt32, keyPair: Curve25519KeyPair, signature: Data) {
        self.id = id
        self.keyPair = keyPair
        self.signature = signature
    }
}
