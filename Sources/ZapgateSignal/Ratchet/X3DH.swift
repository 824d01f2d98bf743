import Foundation
import ZapgateCrypto

/// The X3DH agreement that opens a session, in libsignal's v3 form. Both sides concatenate the
/// same three or four DH outputs behind 32 bytes of 0xFF and expand them with "WhisperText"
/// into the first root key and chain key.
enum X3DH {
    /// Prefixed to the DH outputs; it keeps the input distinct from any X25519 output (the
    /// "discontinuity bytes" of the XEdDSA/X3DH papers).
    static let discontinuity = Data(repeating: 0xFF, count: 32)

    /// The initiator ("Alice") side, from a peer's bundle.
    static func initiatorState(
        ourIdentity: Curve25519KeyPair,
        ourBaseKey: Curve25519KeyPair,
        theirIdentity: Data,
        theirSignedPreKey: Data,
        theirOneTimePreKey: Data?
    ) throws(SignalError) -> SessionState {
        var secrets = discontinuity
        secrets.append(try agreement(ourIdentity, theirSignedPreKey, what: "signed prekey"))
        secrets.append(try agreement(ourBaseKey, theirIdentity, what: "identity key"))
        secrets.append(try agreement(ourBaseKey, theirSignedPreKey, what: "signed prekey"))
        if let theirOneTimePreKey {
            secrets.append(try agreement(ourBaseKey, theirOneTimePreKey, what: "one-time prekey"))
        }
        let (rootKey, chainKey) = derive(secrets)
        // The peer's signed prekey doubles as its first ratchet key, so we can ratchet at once
        // and send on a chain of our own.
        let sendingRatchet = Curve25519KeyPair.generate()
        let (nextRoot, sendingChain) = try rootKey.step(
            theirRatchetKey: theirSignedPreKey, ourRatchetKey: sendingRatchet)
        var state = SessionState(
            localIdentityKey: ourIdentity.publicKey,
            remoteIdentityKey: theirIdentity,
            rootKey: nextRoot,
            sendingChain: .init(ratchetKeyPair: sendingRatchet, chainKey: sendingChain))
        state.addReceivingChain(ratchetKey: theirSignedPreKey, chainKey: chainKey)
        return state
    }

    /// The responder ("Bob") side, from a PreKeySignalMessage.
    static func responderState(
        ourIdentity: Curve25519KeyPair,
        ourSignedPreKey: Curve25519KeyPair,
        ourOneTimePreKey: Curve25519KeyPair?,
        theirIdentity: Data,
        theirBaseKey: Data
    ) throws(SignalError) -> SessionState {
        var secrets = discontinuity
        secrets.append(try agreement(ourSignedPreKey, theirIdentity, what: "identity key"))
        secrets.append(try agreement(ourIdentity, theirBaseKey, what: "base key"))
        secrets.append(try agreement(ourSignedPreKey, theirBaseKey, what: "base key"))
        if let ourOneTimePreKey {
            secrets.append(try agreement(ourOneTimePreKey, theirBaseKey, what: "base key"))
        }
        let (rootKey, chainKey) = derive(secrets)
        return SessionState(
            localIdentityKey: ourIdentity.publicKey,
            remoteIdentityKey: theirIdentity,
            rootKey: rootKey,
            sendingChain: .init(ratchetKeyPair: ourSignedPreKey, chainKey: chainKey))
    }

    static func derive(_ secrets: Data) -> (RootKey, ChainKey) {
        let bytes = SignalKDF.derive(secrets, info: SignalKDF.textInfo, count: 64)
        return (
            RootKey(key: bytes.subdata(in: bytes.startIndex..<bytes.startIndex + 32)),
            ChainKey(key: bytes.subdata(in: bytes.startIndex + 32..<bytes.startIndex + 64), index: 0)
        )
    }
}
