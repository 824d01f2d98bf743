import ArgumentParser
import Foundation
import Logging
import ZapgateEngine
import ZapgateGateway
import ZapgateNoise

/// `zapgate serve`: the gateway. Every option can also come from a `ZAPGATE_…` environment
/// variable (the flag wins); with nothing set it serves on 127.0.0.1:8080 with SQLite in ./data.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: the HTTP API, the instances and their send queues.",
        discussion: """
            Options and their environment variables (the option wins):
              --host ZAPGATE_HOST (127.0.0.1)      --port ZAPGATE_PORT (8080)
              --data ZAPGATE_DATA (./data)         --database-url ZAPGATE_DATABASE_URL
              (sqlite:<data>/zapgate.sqlite, or postgres://user:password@host:port/database)
              ZAPGATE_MASTER_KEY (64 hex digits or base64 of 32 bytes; else <data>/master.key, made 0600)
              ZAPGATE_ADMIN_KEY (else the stored one; else one is made and printed once)
              --sandbox ZAPGATE_SANDBOX=1          --log-level ZAPGATE_LOG_LEVEL (info)
              --whatsapp-url ZAPGATE_WHATSAPP_URL  --whatsapp-root-key ZAPGATE_WHATSAPP_ROOT_KEY
              --webhook-allow-private ZAPGATE_WEBHOOK_ALLOW_PRIVATE=1 (loopback/private webhook targets)
              --media-allow-private ZAPGATE_MEDIA_ALLOW_PRIVATE=1 (media URLs on loopback/private addresses)
              ZAPGATE_WEBHOOK_TIMEOUT (10s)  ZAPGATE_WEBHOOK_INITIAL_BACKOFF (5s)
              ZAPGATE_WEBHOOK_MAX_BACKOFF (1h)  ZAPGATE_WEBHOOK_HORIZON (3d)  ZAPGATE_EVENT_RETENTION (7d)
              (durations: a number with ms, s, m, h or d)
              ZAPGATE_MAX_WEBHOOKS_PER_TENANT (25)  ZAPGATE_MAX_STREAMS_PER_TENANT (20, SSE and WebSocket)

            Keys are read from the environment only, so they stay out of process listings. With \
            --sandbox, the simulator runs in-process, every instance links to it, and scripted \
            phones answer under /sandbox (see the README's walkthrough). It prints \
            `listening on http://<host>:<port>` once it serves; SIGINT or SIGTERM stop it gracefully.
            """
    )

    @Option(help: "The address to listen on.")
    var host: String?

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port: Int?

    @Option(
        help: ArgumentHelp("The data folder (SQLite file, master key, sandbox state).", valueName: "path"))
    var data: String?

    @Option(
        help: ArgumentHelp("sqlite:<path> or postgres://user:password@host:port/database.", valueName: "url"))
    var databaseURL: String?

    @Flag(help: "Run the simulator in-process with scripted phones, instead of connecting to WhatsApp.")
    var sandbox = false

    @Option(
        help: ArgumentHelp("The chat WebSocket to connect instances to (for a simulator).", valueName: "url"))
    var whatsappURL: String?

    @Option(help: ArgumentHelp("The certificate root to trust there (64 hex digits).", valueName: "hex"))
    var whatsappRootKey: String?

    @Flag(help: "Allow webhook URLs on loopback, private and link-local addresses.")
    var webhookAllowPrivate = false

    @Flag(help: "Allow media URLs (and their redirects) on loopback, private and link-local addresses.")
    var mediaAllowPrivate = false

    @Option(help: "The lowest level of log written to stderr.")
    var logLevel: LogLevelOption?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let setting = { (name: String) in environment["ZAPGATE_" + name].flatMap { $0.isEmpty ? nil : $0 } }
        let level =
            try logLevel ?? setting("LOG_LEVEL").map { text in
                guard let level = LogLevelOption(rawValue: text) else {
                    throw ValidationError(
                        "ZAPGATE_LOG_LEVEL must be one of \(LogLevelOption.allCases.map(\.rawValue))")
                }
                return level
            } ?? .info
        LoggingSystem.bootstrapStandardError(level: level)
        var configuration = GatewayConfiguration()
        configuration.host = host ?? setting("HOST") ?? configuration.host
        if let port = try port ?? setting("PORT").map(Self.port) { configuration.port = port }
        configuration.dataDirectory = data ?? setting("DATA") ?? configuration.dataDirectory
        configuration.databaseURL = databaseURL ?? setting("DATABASE_URL")
        configuration.masterKey = setting("MASTER_KEY")
        configuration.adminKey = setting("ADMIN_KEY")
        configuration.sandbox =
            sandbox || ["1", "true", "yes"].contains(setting("SANDBOX")?.lowercased() ?? "")
        if let url = whatsappURL ?? setting("WHATSAPP_URL") {
            guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
                throw ValidationError("--whatsapp-url must start with ws:// or wss://")
            }
            var verifier = configuration.session.noise.verifier
            if let text = whatsappRootKey ?? setting("WHATSAPP_ROOT_KEY") {
                guard let key = HexKey.parse(text) else {
                    throw ValidationError("--whatsapp-root-key must be 64 hex digits")
                }
                verifier = NoiseCertificateVerifier(trustedRootKey: key)
            }
            configuration.session.noise = .init(url: url, origin: nil, verifier: verifier)
            if url.hasPrefix("ws://") { configuration.session.media.scheme = "http" }
        }
        try applyWebhookSettings(&configuration.webhooks, setting)
        configuration.limits.allowPrivateMediaURLs =
            mediaAllowPrivate
            || ["1", "true", "yes"].contains(setting("MEDIA_ALLOW_PRIVATE")?.lowercased() ?? "")
        let logger = Logger(label: "zapgate.gateway")
        let host = configuration.host
        try await GatewayServer.run(configuration, logger: logger) { started in
            if let key = started.generatedAdminKey {
                Terminal.say(
                    """
                    admin key (shown once; it is stored only as a hash): \(key)
                    """)
            }
            Terminal.say("listening on http://\(host):\(started.port)\(started.sandbox ? " (sandbox)" : "")")
        }
    }

    private func applyWebhookSettings(_ settings: inout WebhookSettings, _ setting: (String) -> String?)
        throws
    {
        settings.allowPrivateTargets =
            webhookAllowPrivate
            || ["1", "true", "yes"].contains(setting("WEBHOOK_ALLOW_PRIVATE")?.lowercased() ?? "")
        func duration(_ name: String) throws -> Duration? {
            try setting(name).map { text in
                guard let value = Self.duration(text) else {
                    throw ValidationError(
                        "ZAPGATE_\(name) must be a duration such as 500ms, 10s, 5m, 1h or 3d")
                }
                return value
            }
        }
        if let value = try duration("WEBHOOK_TIMEOUT") { settings.attemptTimeout = value }
        if let value = try duration("WEBHOOK_INITIAL_BACKOFF") { settings.initialBackoff = value }
        if let value = try duration("WEBHOOK_MAX_BACKOFF") { settings.maximumBackoff = value }
        if let value = try duration("WEBHOOK_HORIZON") { settings.horizon = value }
        if let value = try duration("EVENT_RETENTION") { settings.eventRetention = value }
        for (name, keyPath) in [
            ("MAX_WEBHOOKS_PER_TENANT", \WebhookSettings.webhooksPerTenant),
            ("MAX_STREAMS_PER_TENANT", \WebhookSettings.streamsPerTenant),
        ] {
            guard let text = setting(name) else { continue }
            guard let count = Int(text), (1...100_000).contains(count) else {
                throw ValidationError("ZAPGATE_\(name) must be a whole number from 1 to 100000")
            }
            settings[keyPath: keyPath] = count
        }
        guard settings.eventRetention >= settings.horizon else {
            throw ValidationError("ZAPGATE_EVENT_RETENTION must be at least the webhook horizon")
        }
    }

    /// `500ms`, `10s`, `5m`, `1h`, `3d`; a bare number is seconds.
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            return milliseconds(Double(text.dropLast(suffix.count)), scale: scale)
        }
        return milliseconds(Double(text), scale: 1)
    }

    /// A positive count of seconds (times `scale`) up to a year, in milliseconds.
    private static func milliseconds(_ number: Double?, scale: Double) -> Duration? {
        guard let number, number > 0, number * scale <= 366 * 86400 else { return nil }
        return .milliseconds(Int64(number * scale * 1000))
    }

    static func port(_ text: String) throws -> Int {
        guard let port = Int(text), (0...65_535).contains(port) else {
            throw ValidationError("ZAPGATE_PORT must be a port number")
        }
        return port
    }
}
