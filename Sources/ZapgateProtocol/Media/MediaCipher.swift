import Foundation
import ZapgateCrypto

/// WhatsApp's media encryption: AES-256-CBC with PKCS#7 padding, then a 10-byte truncated
/// HMAC-SHA256 over IV and ciphertext appended. Decryption checks everything whatsmeow checks
/// (Baileys skips the MAC), in an order that never touches the cipher with unauthenticated input.
public enum MediaCipher {
    /// Bytes of HMAC kept at the end of a body.
    public static let macLength = 10
    /// The smallest valid body: one padding block (empty plaintext) and the MAC.
    public static let minimumBodyLength = 16 + macLength

    /// Encrypts `plaintext` under `mediaKey` (a fresh random key unless given).
    public static func encrypt(
        _ plaintext: Data,
        kind: MediaKind,
        mediaKey: Data = SecureRandom.bytes(MediaKeys.mediaKeyLength)
    ) throws(MediaError) -> EncryptedMedia {
        let keys = try MediaKeys(mediaKey: mediaKey, kind: kind)
        let ciphertext: Data
        do {
            ciphertext = try AESCBC.encrypt(plaintext, key: keys.cipherKey, iv: keys.iv)
        } catch {
            // Only reachable with malformed keys, which MediaKeys rules out.
            throw .undecryptable
        }
        var body = ciphertext
        body.append(mac(iv: keys.iv, ciphertext: ciphertext, key: keys.macKey))
        return EncryptedMedia(
            body: body, mediaKey: mediaKey, fileSHA256: SHA256Digest.hash(plaintext),
            fileEncSHA256: SHA256Digest.hash(body), fileLength: UInt64(plaintext.count))
    }

    /// Checks and decrypts a downloaded body: its length, its SHA-256 against `fileEncSHA256`,
    /// the MAC (in constant time), the padding, then the plaintext's SHA-256 against
    /// `fileSHA256`. The first failing check throws its own ``MediaError``.
    public static func decrypt(
        _ body: Data,
        kind: MediaKind,
        mediaKey: Data,
        fileEncSHA256: Data,
        fileSHA256: Data
    ) throws(MediaError) -> Data {
        let keys = try MediaKeys(mediaKey: mediaKey, kind: kind)
        guard fileEncSHA256.count == 32 else {
            throw .invalidHash(field: "fileEncSHA256", length: fileEncSHA256.count)
        }
        guard fileSHA256.count == 32 else {
            throw .invalidHash(field: "fileSHA256", length: fileSHA256.count)
        }
        guard body.count >= minimumBodyLength, (body.count - macLength) % 16 == 0 else {
            throw .truncated(length: body.count)
        }
        guard ConstantTime.equal(SHA256Digest.hash(body), fileEncSHA256) else { throw .encryptedHashMismatch }
        let split = body.startIndex + body.count - macLength
        let ciphertext = body[body.startIndex..<split]
        let receivedMAC = Data(body[split...])
        guard ConstantTime.equal(mac(iv: keys.iv, ciphertext: ciphertext, key: keys.macKey), receivedMAC)
        else {
            throw .macMismatch
        }
        let plaintext: Data
        do {
            plaintext = try AESCBC.decrypt(Data(ciphertext), key: keys.cipherKey, iv: keys.iv)
        } catch {
            throw .undecryptable
        }
        guard ConstantTime.equal(SHA256Digest.hash(plaintext), fileSHA256) else {
            throw .plaintextHashMismatch
        }
        return plaintext
    }

    private static func mac(iv: Data, ciphertext: Data, key: Data) -> Data {
        var message = Data(capacity: iv.count + ciphertext.count)
        message.append(iv)
        message.append(ciphertext)
        return HMACSHA256.authenticationCode(for: message, key: key).prefix(macLength)
    }
}
