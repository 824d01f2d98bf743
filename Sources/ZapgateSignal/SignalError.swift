import Foundation

/// Why a Signal operation refused its input. Every case leaves the stores as they were: the
/// ciphers work on copies of the stored records and write back only after success.
public enum SignalError: Error, Equatable, Sendable {
    /// There is no session with this address; a prekey bundle or a PreKeySignalMessage is needed.
    case noSession(SignalAddress)
    /// No sender key for this sender in this group (or none with the message's key id).
    case noSenderKey(SenderKeyName)
    /// The message's counter (or iteration) was already used: a replay or a redelivery.
    case duplicateMessage(counter: UInt32)
    /// The 8-byte MAC of a SignalMessage did not match under any session state.
    case invalidMAC
    /// A signature (signed prekey or SenderKeyMessage) did not verify.
    case invalidSignature
    /// The peer's identity key differs from the one saved for it. The caller decides what to do
    /// (for example report an identity change, save the new key, drop the session and retry).
    case untrustedIdentity(SignalAddress, identityKey: Data)
    /// A PreKeySignalMessage names a one-time prekey we do not have (never issued or already used).
    case invalidPreKeyID(UInt32)
    /// A PreKeySignalMessage names a signed prekey we do not have.
    case invalidSignedPreKeyID(UInt32)
    /// A public key is not a 33-byte `0x05`-prefixed Curve25519 key, or not a usable point.
    case invalidKey(String)
    /// The counter jumps further ahead than we are willing to derive keys for.
    case messageTooFarAhead(counter: UInt32, current: UInt32)
    /// A chain (1:1 or sender key) is at `UInt32.max`, so it has no next step: the counter
    /// would overflow. A sender key distributed at that iteration is refused for the same reason.
    case chainExhausted(index: UInt32)
    /// The version byte is not libsignal version 3 (`0x33`).
    case unsupportedVersion(UInt8)
    /// The message is malformed or cannot be decrypted; the reason says which part.
    case invalidMessage(String)
    /// WhatsApp's plaintext padding (v="2") was missing or inconsistent.
    case invalidPadding
    /// A store could not load or save; the text comes from the store.
    case storeFailure(String)
}
