import Foundation
import ZapgateCrypto
import ZapgateNoise

/// Where the simulator listens and how it paces linking. The defaults are the real server's;
/// tests shorten the QR timers.
public struct SimulatorConfiguration: Sendable {
    /// A certificate and key (PEM files) to serve `wss://` with.
    public struct TLSFiles: Sendable {
        public var certificatePath: String
        public var privateKeyPath: String
        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    public var host: String
    /// 0 lets the system choose; ``Simulator/run(onListening:)`` reports the port.
    public var port: Int
    /// The chat socket's path, WhatsApp's `/ws/chat` by default.
    public var path: String
    /// The certificate root's key; nil makes a fresh one for this run.
    public var rootKey: Curve25519KeyPair?
    /// How many refs a `<pair-device>` carries, and how long the companion shows the first and
    /// each later one. The server gives up on an unscanned companion once all have passed.
    public var refsPerPairing: Int
    public var firstQRTimeout: Duration
    public var laterQRTimeout: Duration
    /// Extra time the server waits after the last QR code before closing.
    public var pairingGrace: Duration
    /// Serve TLS with these files; nil serves plain `ws://`.
    public var tls: TLSFiles?
    /// A JSON file the accounts and devices are kept in across runs; nil keeps them in memory.
    public var statePath: String?
    /// The platform name the phone reports in `pair-success`.
    public var phonePlatform: String
    /// The media server's token lifetime and size limits.
    public var media = SimulatorMediaConfiguration()

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        path: String = NoiseConstants.defaultPath,
        rootKey: Curve25519KeyPair? = nil,
        refsPerPairing: Int = 6,
        firstQRTimeout: Duration = .seconds(60),
        laterQRTimeout: Duration = .seconds(20),
        pairingGrace: Duration = .seconds(5),
        tls: TLSFiles? = nil,
        statePath: String? = nil,
        phonePlatform: String = "android"
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.rootKey = rootKey
        self.refsPerPairing = refsPerPairing
        self.firstQRTimeout = firstQRTimeout
        self.laterQRTimeout = laterQRTimeout
        self.pairingGrace = pairingGrace
        self.tls = tls
        self.statePath = statePath
        self.phonePlatform = phonePlatform
    }

    /// How long a registering companion may stay unlinked before the server closes on it.
    var pairingWindow: Duration {
        firstQRTimeout + laterQRTimeout * max(refsPerPairing - 1, 0) + pairingGrace
    }
}
