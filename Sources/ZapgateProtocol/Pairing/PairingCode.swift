import Foundation
import ZapgateCrypto

/// "Link with phone number": the eight-character code the user types on the phone, and the key
/// wrapping both ends do with it. The code never travels; each side encrypts its ephemeral key
/// under a key stretched from it, so only someone who read the code can complete the link.
public enum PairingCode {
    /// Base32 without 0, O, I and U, so the code cannot be misread.
    public static let alphabet: [Character] = Array("123456789ABCDEFGHJKLMNPQRSTVWXYZ")
    /// PBKDF2 rounds applied to the code (2 << 16).
    public static let iterations = 131_072
    /// `salt(32) ‖ iv(16) ‖ AES-CTR(key)(32)`.
    public static let wrappedLength = 80
    /// The HKDF label of the key that seals the companion's key bundle.
    static let bundleInfo = Data("link_code_pairing_key_bundle_encryption_key".utf8)
    /// The HKDF label of the derived adv secret.
    static let advSecretInfo = Data("adv_secret".utf8)

    /// A fresh code: five random bytes written as eight base32 characters.
    public static func generate() -> String {
        encode(SecureRandom.bytes(5))
    }

    /// Eight base32 characters for five bytes, most significant bits first.
    public static func encode(_ bytes: Data) -> String {
        let bits = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let count = bytes.count * 8 / 5
        return String((0..<count).reversed().map { alphabet[Int(bits >> (5 * UInt64($0)) & 0x1F)] })
    }

    /// The code as shown to people: `ABCD-EFGH`.
    public static func display(_ code: String) -> String {
        code.count == 8 ? "\(code.prefix(4))-\(code.suffix(4))" : code
    }

    /// Accepts what a person typed (any case, with or without the dash) and returns the eight
    /// characters, or nil if it cannot be a code.
    public static func normalize(_ typed: String) -> String? {
        let code = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard code.count == 8, code.allSatisfy(alphabet.contains) else { return nil }
        return code
    }

    /// Encrypts a 32-byte ephemeral public key under the code.
    public static func wrap(
        _ publicKey: Data,
        code: String,
        salt: Data = SecureRandom.bytes(32),
        iv: Data = SecureRandom.bytes(16)
    ) throws(CryptoError) -> Data {
        let key = try stretch(code, salt: salt)
        return salt + iv + (try AESCTR.apply(publicKey, key: key, iv: iv))
    }

    /// Decrypts what ``wrap(_:code:salt:iv:)`` made. A wrong code yields a different key, not an
    /// error: CTR has no tag, and the mismatch shows later when the key bundle fails to open.
    public static func unwrap(_ wrapped: Data, code: String) throws(ProtocolError) -> Data {
        guard wrapped.count == wrappedLength else {
            throw .malformed("wrapped ephemeral key is \(wrapped.count) bytes, expected \(wrappedLength)")
        }
        let bytes = Data(wrapped)
        let salt = bytes.prefix(32)
        let iv = bytes.dropFirst(32).prefix(16)
        do {
            return try AESCTR.apply(
                Data(bytes.suffix(32)), key: try stretch(code, salt: Data(salt)), iv: Data(iv))
        } catch {
            throw .malformed("wrapped ephemeral key: \(error)")
        }
    }

    /// The companion's key bundle: `salt(32) ‖ nonce(12) ‖ AES-GCM(identity ‖ primary identity ‖
    /// random)`, keyed by HKDF over the two ephemerals' shared secret.
    public static func sealKeyBundle(
        ephemeralShared: Data,
        companionIdentity: Data,
        primaryIdentity: Data,
        random: Data,
        salt: Data = SecureRandom.bytes(32),
        nonce: Data = SecureRandom.bytes(12)
    ) throws(CryptoError) -> Data {
        let key = HKDFSHA256.deriveKey(
            inputKeyMaterial: ephemeralShared, salt: salt, info: bundleInfo, outputByteCount: 32)
        let sealed = try AESGCM.seal(companionIdentity + primaryIdentity + random, key: key, nonce: nonce)
        return salt + nonce + sealed
    }

    /// What the phone reads from an opened key bundle.
    public struct KeyBundle: Sendable, Equatable {
        public var companionIdentity: Data
        public var primaryIdentity: Data
        public var random: Data
    }

    /// Opens a key bundle; fails if the ephemeral secret differs (a mistyped code).
    public static func openKeyBundle(_ bundle: Data, ephemeralShared: Data) throws(ProtocolError) -> KeyBundle
    {
        let bytes = Data(bundle)
        guard bytes.count == 32 + 12 + 96 + 16 else {
            throw .malformed("key bundle is \(bytes.count) bytes, expected 156")
        }
        let key = HKDFSHA256.deriveKey(
            inputKeyMaterial: ephemeralShared, salt: Data(bytes.prefix(32)), info: bundleInfo,
            outputByteCount: 32)
        guard
            let plain = try? AESGCM.open(
                Data(bytes.dropFirst(44)), key: key, nonce: Data(bytes.dropFirst(32).prefix(12)))
        else { throw .verificationFailed("key bundle does not open: wrong pairing code?") }
        return KeyBundle(
            companionIdentity: Data(plain.prefix(32)),
            primaryIdentity: Data(plain.dropFirst(32).prefix(32)),
            random: Data(plain.suffix(32)))
    }

    /// The adv secret both ends derive once the bundle is exchanged; it replaces the one a QR
    /// code would have carried.
    public static func advSecret(ephemeralShared: Data, identityShared: Data, random: Data) -> Data {
        HKDFSHA256.deriveKey(
            inputKeyMaterial: ephemeralShared + identityShared + random, salt: Data(), info: advSecretInfo,
            outputByteCount: 32)
    }

    private static func stretch(_ code: String, salt: Data) throws(CryptoError) -> Data {
        try PBKDF2SHA256.deriveKey(
            password: Data(code.utf8), salt: salt, iterations: iterations, outputByteCount: 32)
    }
}
