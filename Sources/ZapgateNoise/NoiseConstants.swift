import Foundation

/// The fixed values of WhatsApp's Noise layer.
public enum NoiseConstants {
    /// `Noise_XX_25519_AESGCM_SHA256` padded with four NULs to exactly 32 bytes, so it is used as
    /// the initial handshake hash directly instead of being hashed.
    public static let protocolName = Data("Noise_XX_25519_AESGCM_SHA256\0\0\0\0".utf8)

    /// The intro header the client sends once before its first frame: `"WA"`, magic 6 and binary
    /// dictionary version 3. It is also the Noise prologue.
    public static let introHeader = Data([0x57, 0x41, 0x06, 0x03])

    /// The 4 bytes that open the optional edge-routing prefix (`"ED"` 0 1).
    public static let edgeRoutingMagic = Data([0x45, 0x44, 0x00, 0x01])

    /// Frames are limited to what a 3-byte length can carry; whatsmeow refuses `1 << 24` and up.
    public static let maximumFrameLength = (1 << 24) - 1

    /// The largest WebSocket message either side accepts: room for a whole frame and its length
    /// prefix, the intro and routing header on the first, and one more frame merged behind it.
    public static let maximumWebSocketMessageSize = 2 * (maximumFrameLength + 64)

    /// Bytes in a frame's big-endian length prefix.
    public static let frameLengthSize = 3

    /// WhatsApp's root certificate key (Curve25519), which signs the intermediate certificate.
    public static let whatsAppRootPublicKey = Data([
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ])

    /// The issuer serial every intermediate certificate carries (the root's serial).
    public static let rootIssuerSerial: UInt32 = 0

    /// The chat WebSocket of WhatsApp Web.
    public static let defaultURL = "wss://web.whatsapp.com/ws/chat"

    /// The Origin header the web client sends.
    public static let defaultOrigin = "https://web.whatsapp.com"

    /// The path the chat WebSocket lives at.
    public static let defaultPath = "/ws/chat"

    /// How long whatsmeow waits for the server's handshake reply.
    public static let defaultHandshakeTimeout: Duration = .seconds(20)
}
