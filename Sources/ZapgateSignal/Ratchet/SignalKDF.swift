import Foundation
import ZapgateCrypto

/// The HKDF labels and chain seeds libsignal version 3 uses. They are fixed by the protocol:
/// change one byte and no other client can read us.
enum SignalKDF {
    static let textInfo = Data("WhisperText".utf8)
    static let ratchetInfo = Data("WhisperRatchet".utf8)
    static let messageKeysInfo = Data("WhisperMessageKeys".utf8)
    static let groupInfo = Data("WhisperGroup".utf8)
    /// HMAC input that turns a chain key into a message-key seed.
    static let messageKeySeed = Data([0x01])
    /// HMAC input that advances a chain key.
    static let chainKeySeed = Data([0x02])
    /// libsignal's HKDF salt when none is given: one hash length of zeros.
    static let zeroSalt = Data(count: 32)

    static func derive(_ input: Data, salt: Data = zeroSalt, info: Data, count: Int) -> Data {
        HKDFSHA256.deriveKey(inputKeyMaterial: input, salt: salt, info: info, outputByteCount: count)
    }
}
