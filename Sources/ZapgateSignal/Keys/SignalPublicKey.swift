import Foundation

/// libsignal's "DJB" key encoding: inside Signal protobufs and as the input of signed-prekey
/// signatures a Curve25519 public key is the type byte `0x05` followed by the 32 key bytes.
/// Everywhere else in this module (and on the WhatsApp wire) keys are the bare 32 bytes.
public enum SignalPublicKey {
    /// The type byte libsignal puts in front of a Curve25519 public key.
    public static let typeByte: UInt8 = 0x05

    /// `0x05 ‖ key`.
    public static func serialize(_ key: Data) -> Data {
        var out = Data(capacity: 33)
        out.append(typeByte)
        out.append(key)
        return out
    }

    /// The 32 key bytes of a `0x05`-prefixed key; anything else is refused.
    public static func parse(_ data: Data, field: String) throws(SignalError) -> Data {
        guard data.count == 33, data.first == typeByte else {
            throw .invalidKey("\(field) is not a 0x05-prefixed 33-byte key (\(data.count) bytes)")
        }
        return Data(data.dropFirst())
    }
}
