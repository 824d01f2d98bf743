import Foundation
import ZapgateCrypto

/// The keys one media key expands to: HKDF-SHA256 of the 32-byte media key, no salt, the
/// kind's info string, 112 bytes split as IV, AES key, MAC key and a reference key.
public struct MediaKeys: Sendable, Equatable {
    /// Bytes in a media key.
    public static let mediaKeyLength = 32
    /// Bytes HKDF expands a media key to.
    public static let expandedLength = 112

    /// The AES-CBC IV (16 bytes).
    public let iv: Data
    /// The AES-256 key (32 bytes).
    public let cipherKey: Data
    /// The HMAC-SHA256 key (32 bytes).
    public let macKey: Data
    /// The remaining 32 bytes, which neither reference client uses for 1:1 media.
    public let refKey: Data

    /// Expands `mediaKey` for `kind`; a key that is not 32 bytes throws.
    public init(mediaKey: Data, kind: MediaKind) throws(MediaError) {
        guard mediaKey.count == Self.mediaKeyLength else { throw .invalidMediaKey(length: mediaKey.count) }
        let expanded = HKDFSHA256.deriveKey(
            inputKeyMaterial: mediaKey, salt: Data(), info: Data(kind.hkdfInfo.utf8),
            outputByteCount: Self.expandedLength)
        let bytes = [UInt8](expanded)
        iv = Data(bytes[0..<16])
        cipherKey = Data(bytes[16..<48])
        macKey = Data(bytes[48..<80])
        refKey = Data(bytes[80..<112])
    }
}
