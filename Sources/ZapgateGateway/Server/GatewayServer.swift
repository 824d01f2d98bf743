import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import OpenAPIHummingbird
import ServiceLifecycle
import ZapgateEngine
import ZapgateNoise
import ZapgateSimulator
import ZapgateStore

/// What a started gateway tells its caller (the command prints it).
public struct StartedGateway: Sendable {
    /// The port it listens on.
    public var port: Int
    /// The admin key made at this first start; shown once, never again.
    public var generatedAdminKey: String?
    /// Whether the master key file was made at this start.
    public var generatedMasterKeyFile: String?
    /// Whether the sandbox (simulator and scripted phones) runs.
    public var sandbox: Bool
}

/// `zapgate serve`: the database, the instances, the HTTP API and, with `--sandbox`, the
/// simulator, run until SIGTERM or SIGINT, then stop in order (HTTP first, then the sessions).
public enum GatewayServer {
    public static func run(
        _ configuration: GatewayConfiguration, logger: Logger,
        onStarted: @escaping @Sendable (StartedGateway) async -> Void = { _ in }
    ) async throws {
        var configuration = configuration
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let (masterKey, generatedKey) = try MasterKey.load(
            explicit: configuration.masterKey, keyFile: configuration.masterKeyFile)
        if generatedKey {
            logger.warning(
                "generated a new master key; back it up: without it, stored WhatsApp credentials cannot be read",
                metadata: ["file": "\(configuration.masterKeyFile)"])
        }
        let database = try await openDatabase(
            StoreLocation(parsing: configuration.resolvedDatabaseURL), logger: logger)
        let store = GatewayStore(database: database)
        let httpClient = MediaFetcher.makeClient()
        let mediaFetcher = MediaFetcher(
            client: httpClient, maximumSize: configuration.limits.maximumMediaSize,
            timeout: configuration.limits.mediaFetchTimeout,
            allowPrivateTargets: configuration.limits.allowPrivateMediaURLs)
        let webhookClient = WebhookSender.makeClient()
        let webhookSender = WebhookSender(
            client: webhookClient, timeout: configuration.webhooks.attemptTimeout,
            allowPrivateTargets: configuration.webhooks.allowPrivateTargets)
        do {
            let admin = try await AdminKey.prepare(configured: configuration.adminKey, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                var sandbox: SandboxPhones?
                if configuration.sandbox {
                    let simulator = try Simulator(
                        configuration: SimulatorConfiguration(
                            statePath: (configuration.dataDirectory as NSString)
                                .appendingPathComponent("sandbox-simulator.json")),
                        logger: Logger(label: "zapgate.sandbox"))
                    let port = try await start(simulator, in: &group)
                    configuration.session = sandboxSession(
                        configuration.session, simulator: simulator, port: port)
                    sandbox = SandboxPhones(simulator: simulator)
                    logger.info("sandbox simulator running", metadata: ["port": "\(port)"])
                }
                let metrics = GatewayMetrics()
                let secrets = SecretBox(masterKey: masterKey)
                let events = EventServices(
                    hub: EventHub(), secrets: secrets, settings: configuration.webhooks,
                    sender: webhookSender)
                let environment = InstanceEnvironment(
                    sessionConfiguration: configuration.session,
                    mediaFetcher: mediaFetcher,
                    metrics: metrics, logger: logger, hub: events.hub)
                let registry = InstanceRegistry(store: store, secrets: secrets, environment: environment)
                let api = GatewayAPI(
                    store: store, registry: registry, limits: configuration.limits, metrics: metrics,
                    sandbox: sandbox, events: events, logger: logger)
                let dispatcher = WebhookDispatcher(
                    store: store, secrets: secrets, settings: configuration.webhooks, sender: events.sender,
                    hub: events.hub, metrics: metrics, logger: logger)
                let keyFile = generatedKey ? configuration.masterKeyFile : nil
                let sandboxed = configuration.sandbox
                let application = try makeApplication(
                    api: api, configuration: configuration, adminKeyHash: admin.hash, logger: logger
                ) { port in
                    await onStarted(
                        StartedGateway(
                            port: port, generatedAdminKey: admin.generated, generatedMasterKeyFile: keyFile,
                            sandbox: sandboxed))
                }
                let services = ServiceGroup(
                    configuration: .init(
                        services: [
                            .init(service: WebhookService(dispatcher: dispatcher)),
                            .init(service: InstancesService(registry: registry, logger: logger)),
                            .init(service: application),
                        ],
                        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await services.run()
                group.cancelAll()
            }
        } catch {
            logger.error("the gateway stopped on an error", metadata: ["error": "\(error)"])
            await shutDown(
                [httpClient, webhookClient], [webhookSender.pinned, mediaFetcher.pinned], database)
            throw error
        }
        await shutDown([httpClient, webhookClient], [webhookSender.pinned, mediaFetcher.pinned], database)
    }

    /// Closes what the gateway opened. In a task of its own, so that it runs to the end even
    /// when the gateway's task was cancelled.
    private static func shutDown(
        _ httpClients: [HTTPClient], _ pinned: [PinnedClients], _ database: any SQLDatabase
    ) async {
        await Task {
            for client in httpClients { try? await client.shutdown() }
            for clients in pinned { await clients.shutDown() }
            await database.close()
        }.value
    }

    /// Starts the simulator in the group and returns its port once it listens.
    private static func start(_ simulator: Simulator, in group: inout ThrowingTaskGroup<Void, any Error>)
        async throws -> Int
    {
        let (listening, signal) = AsyncStream.makeStream(of: Int.self)
        group.addTask {
            defer { signal.finish() }
            try await simulator.run { port in signal.yield(port) }
        }
        for await port in listening { return port }
        throw GatewayError.internal("the sandbox simulator did not start")
    }

    /// Sessions that connect to the in-process simulator and trust its certificate root.
    static func sandboxSession(_ base: DeviceSessionConfiguration, simulator: Simulator, port: Int)
        -> DeviceSessionConfiguration
    {
        var session = base
        var verifier = NoiseCertificateVerifier()
        verifier.trustedRootKey = simulator.rootPublicKey
        session.noise = .init(url: "ws://127.0.0.1:\(port)/ws/chat", origin: nil, verifier: verifier)
        session.media.scheme = "http"
        return session
    }

    static func makeApplication(
        api: GatewayAPI, configuration: GatewayConfiguration, adminKeyHash: Data, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ProblemMiddleware(bodyLimit: configuration.limits.maximumBodySize))
        router.add(middleware: BodyLimitMiddleware(limit: configuration.limits.maximumBodySize))
        let auth = AuthMiddleware(store: api.store, adminKeyHash: adminKeyHash)
        try api.registerHandlers(
            on: router, serverURL: URL(fileURLWithPath: "/"), middlewares: [RequestScopeMiddleware(), auth])
        // WebSocket upgrades go through a router of their own: only the event stream takes them.
        let socketRouter = Router(context: BasicWebSocketRequestContext.self)
        socketRouter.add(middleware: ProblemMiddleware(bodyLimit: configuration.limits.maximumBodySize))
        EventSocketRoute(
            store: api.store, hub: api.events.hub, auth: auth,
            streamLimit: api.events.settings.streamsPerTenant
        ).register(on: socketRouter)
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: socketRouter,
                // A refused stream is closed right after its handshake; a client that never
                // answers the close holds its connection only this long.
                configuration: .init(
                    ws: .init(autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(3)))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "zapgate"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Delivers webhooks until the gateway shuts down; then lets the attempts under way finish
/// and be recorded. Listed first, so it stops last, after the instances that make events.
struct WebhookService: Service {
    let dispatcher: WebhookDispatcher

    func run() async throws {
        async let delivering: Void = dispatcher.run()
        try? await gracefulShutdown()
        await dispatcher.stop()
        await delivering
    }
}

/// Brings back the instances that should run when the gateway starts, and stops every session
/// when it shuts down.
struct InstancesService: Service {
    let registry: InstanceRegistry
    let logger: Logger

    func run() async throws {
        try await registry.restore()
        try? await gracefulShutdown()
        logger.info("stopping instances")
        await registry.shutdown()
    }
}
