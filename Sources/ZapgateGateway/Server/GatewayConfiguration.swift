import Foundation
import ZapgateEngine

/// Everything `zapgate serve` can be told; the defaults run with nothing set.
public struct GatewayConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// Where the SQLite file, the master key and the sandbox's state go by default.
    public var dataDirectory: String
    /// `sqlite:<path>` or `postgres://user:password@host:port/database`; nil puts SQLite in
    /// the data directory.
    public var databaseURL: String?
    /// The master key (64 hex characters or base64 of 32 bytes); nil reads or makes
    /// `<data>/master.key`.
    public var masterKey: String?
    /// The admin key; nil keeps the stored one, or makes and shows one at the first start.
    public var adminKey: String?
    /// Runs the simulator in-process with scripted phones at `/sandbox` and points every
    /// instance at it instead of WhatsApp.
    public var sandbox: Bool
    /// How sessions connect (WhatsApp's address and certificate root, timers).
    public var session: DeviceSessionConfiguration
    public var limits: GatewayLimits
    /// How webhooks are retried, and which targets they may have.
    public var webhooks: WebhookSettings

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./data",
        databaseURL: String? = nil,
        masterKey: String? = nil, adminKey: String? = nil, sandbox: Bool = false,
        session: DeviceSessionConfiguration = .init(), limits: GatewayLimits = .init(),
        webhooks: WebhookSettings = .init()
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.masterKey = masterKey
        self.adminKey = adminKey
        self.sandbox = sandbox
        self.session = session
        self.limits = limits
        self.webhooks = webhooks
    }

    var resolvedDatabaseURL: String {
        databaseURL ?? "sqlite:" + (dataDirectory as NSString).appendingPathComponent("zapgate.sqlite")
    }

    var masterKeyFile: String { (dataDirectory as NSString).appendingPathComponent("master.key") }
}
