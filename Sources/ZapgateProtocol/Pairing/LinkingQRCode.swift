import Foundation

/// What a companion shows in its linking QR code, and what the phone reads from it:
/// `https://wa.me/settings/linked_devices#ref,noise,identity,adv,type` with the three keys in
/// standard padded base64.
public struct LinkingQRCode: Sendable, Hashable {
    /// The prefix before the comma-separated fields.
    public static let prefix = "https://wa.me/settings/linked_devices#"

    /// One of the refs the server sent in `<pair-device>`, as text.
    public var ref: String
    /// The companion's Noise static public key (32 bytes).
    public var noisePublicKey: Data
    /// The companion's Signal identity public key (32 bytes).
    public var identityPublicKey: Data
    /// The secret the phone keys its HMAC over the device identity with (32 bytes).
    public var advSecret: Data
    /// The companion platform code ("1" Chrome, … "9" other web, "c" macOS, "e" Android).
    public var clientType: String

    public init(
        ref: String, noisePublicKey: Data, identityPublicKey: Data, advSecret: Data, clientType: String
    ) {
        self.ref = ref
        self.noisePublicKey = noisePublicKey
        self.identityPublicKey = identityPublicKey
        self.advSecret = advSecret
        self.clientType = clientType
    }

    /// The string to encode in the QR image.
    public var text: String {
        Self.prefix
            + [
                ref, noisePublicKey.base64EncodedString(), identityPublicKey.base64EncodedString(),
                advSecret.base64EncodedString(), clientType,
            ].joined(separator: ",")
    }

    /// Reads a scanned QR string. The keys must be 32 bytes each; the ref must be non-empty.
    public init(parsing text: String) throws(ProtocolError) {
        guard text.hasPrefix(Self.prefix) else {
            throw .malformed("QR code does not start with \(Self.prefix)")
        }
        let fields = text.dropFirst(Self.prefix.count).split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == 5 else {
            throw .malformed("QR code has \(fields.count) fields, expected 5")
        }
        guard !fields[0].isEmpty else { throw .malformed("QR code has an empty ref") }
        func key(_ index: Int, _ name: String) throws(ProtocolError) -> Data {
            guard let data = Data(base64Encoded: String(fields[index])), data.count == 32 else {
                throw .malformed("QR code \(name) is not 32 bytes of base64")
            }
            return data
        }
        self.init(
            ref: String(fields[0]),
            noisePublicKey: try key(1, "noise key"),
            identityPublicKey: try key(2, "identity key"),
            advSecret: try key(3, "adv secret"),
            clientType: String(fields[4])
        )
    }
}
