import Foundation
import ZapgateNoise
import ZapgateProto

/// How a ``DeviceSession`` connects and paces itself. The defaults are WhatsApp's and the
/// reference clients'; tests shorten the timers.
public struct DeviceSessionConfiguration: Sendable {
    /// Where to connect and which certificate root to trust.
    public var noise: NoiseWebSocketClient.Configuration
    /// The version we report (`primary.secondary.tertiary`); the server answers 405 to one it
    /// considers too old.
    public var clientVersion: [UInt32]
    /// How we name ourselves to the phone ("Linked devices" shows it).
    public var deviceName: String
    /// The platform type in our device properties.
    public var platformType: WADeviceProps.PlatformType
    /// The platform code in QR codes and pairing requests ("1" Chrome, "9" other web …).
    public var clientType: String
    /// The name a pairing-code request shows on the phone, `Browser (OS)`. The server accepts
    /// only the common browser names there (it answers 400 to others), hence Chrome's.
    public var pairingDisplayName: String
    /// How long the first QR code is shown, and each later one.
    public var firstQRTimeout: Duration
    public var laterQRTimeout: Duration
    /// Keepalive pings go out at a random point in this range, as whatsmeow does.
    public var keepaliveInterval: ClosedRange<Duration>
    /// How long a ping may go unanswered before it counts as failed.
    public var keepaliveTimeout: Duration
    /// After failing pings for this long, the connection is considered dead and replaced.
    public var keepaliveGiveUp: Duration
    /// The first reconnect delay and the cap; each failure doubles it, with jitter.
    public var reconnectInitialDelay: Duration
    public var reconnectMaximumDelay: Duration
    /// How long to wait for an `<iq>` answer.
    public var iqTimeout: Duration
    /// Prekeys uploaded on a device's first login, and on each refill.
    public var initialPreKeyCount: Int
    public var refillPreKeyCount: Int
    /// A refill happens when the server holds fewer than this many.
    public var minimumServerPreKeys: Int
    /// How media is uploaded and downloaded (URL scheme, Origin, timeout, size limit).
    public var media = MediaTransferConfiguration()

    public init(
        noise: NoiseWebSocketClient.Configuration = .init(),
        clientVersion: [UInt32] = [2, 3000, 1_045_649_367],
        deviceName: String = "Zapgate",
        platformType: WADeviceProps.PlatformType = .unknown,
        clientType: String = "1",
        pairingDisplayName: String = "Chrome (Linux)",
        firstQRTimeout: Duration = .seconds(60),
        laterQRTimeout: Duration = .seconds(20),
        keepaliveInterval: ClosedRange<Duration> = .seconds(20) ... .seconds(30),
        keepaliveTimeout: Duration = .seconds(10),
        keepaliveGiveUp: Duration = .seconds(180),
        reconnectInitialDelay: Duration = .seconds(1),
        reconnectMaximumDelay: Duration = .seconds(60),
        iqTimeout: Duration = .seconds(75),
        initialPreKeyCount: Int = 812,
        refillPreKeyCount: Int = 50,
        minimumServerPreKeys: Int = 5
    ) {
        self.noise = noise
        self.clientVersion = clientVersion
        self.deviceName = deviceName
        self.platformType = platformType
        self.clientType = clientType
        self.pairingDisplayName = pairingDisplayName
        self.firstQRTimeout = firstQRTimeout
        self.laterQRTimeout = laterQRTimeout
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.keepaliveGiveUp = keepaliveGiveUp
        self.reconnectInitialDelay = reconnectInitialDelay
        self.reconnectMaximumDelay = reconnectMaximumDelay
        self.iqTimeout = iqTimeout
        self.initialPreKeyCount = initialPreKeyCount
        self.refillPreKeyCount = refillPreKeyCount
        self.minimumServerPreKeys = minimumServerPreKeys
    }

    /// The version as the dotted string the build hash is taken over.
    var versionString: String { clientVersion.map(String.init).joined(separator: ".") }
}
