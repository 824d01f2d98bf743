import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging

/// The server side of the chat socket: a Hummingbird server that upgrades requests on one path
/// to WebSockets, performs the Noise handshake as responder on each, and hands every
/// established connection to `handler`.
///
/// To mount the chat socket on a router of your own instead, call
/// ``handle(inbound:outbound:origin:logger:)`` from a `ws` route.
public struct NoiseWebSocketServer: Sendable {
    /// Where to listen and the limits of each session.
    public struct Configuration: Sendable {
        /// The address to bind.
        public var host: String
        /// The port to bind; 0 lets the system choose (see `run(onListening:)`).
        public var port: Int
        /// The path the chat WebSocket is served on.
        public var path: String
        /// How long a client may take to complete the handshake.
        public var handshakeTimeout: Duration
        /// How long to wait for a client to answer a close.
        public var closeTimeout: Duration
        /// The largest frame accepted from a client.
        public var maximumFrameLength: Int

        /// Listens on 127.0.0.1 at a system-chosen port, serving WhatsApp's path.
        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            path: String = NoiseConstants.defaultPath,
            handshakeTimeout: Duration = NoiseConstants.defaultHandshakeTimeout,
            closeTimeout: Duration = .seconds(5),
            maximumFrameLength: Int = NoiseConstants.maximumFrameLength
        ) {
            self.host = host
            self.port = port
            self.path = path
            self.handshakeTimeout = handshakeTimeout
            self.closeTimeout = closeTimeout
            self.maximumFrameLength = maximumFrameLength
        }
    }

    /// Runs for each established connection; the connection closes when it returns.
    public typealias Handler = @Sendable (NoiseConnection) async throws -> Void

    /// The static key and certificate chain presented to clients.
    public let identity: NoiseServerIdentity
    /// Where to listen and the limits of each session.
    public let configuration: Configuration
    /// Where connection events are logged.
    public let logger: Logger
    private let handler: Handler

    /// A server presenting `identity` and passing connections to `handler`.
    public init(
        identity: NoiseServerIdentity,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "zapgate.noise.server"),
        handler: @escaping Handler
    ) {
        self.identity = identity
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
    }

    /// Serves until the calling task is cancelled. `onListening` receives the bound port once
    /// the server accepts connections.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws(RouterPath(configuration.path)) { inbound, outbound, context in
            do {
                try await handle(
                    inbound: inbound,
                    outbound: outbound,
                    origin: context.request.headers[.origin],
                    logger: context.logger
                )
            } catch {
                context.logger.info("Noise session ended with an error", metadata: ["error": "\(error)"])
            }
        }
        let application = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(
                    ws: WebSocketServerConfiguration(
                        maxFrameSize: NoiseConstants.maximumWebSocketMessageSize,
                        autoPing: .disabled,
                        closeTimeout: configuration.closeTimeout
                    )
                )
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port)
            ),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        try await application.run()
    }

    /// Runs one session on an upgraded WebSocket: the handshake as responder (with a fresh
    /// ephemeral key), then `handler`. Throws ``NoiseConnectionError`` when the handshake or
    /// the transport fails, and passes on what `handler` throws.
    public func handle(
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter,
        origin: String?,
        logger: Logger
    ) async throws {
        try await NoiseWebSocketSession.run(
            inbound: inbound,
            outbound: outbound,
            role: .responder(NoiseResponder(identity: identity), origin: origin),
            limits: NoiseWebSocketSession.Limits(
                handshakeTimeout: configuration.handshakeTimeout,
                closeTimeout: configuration.closeTimeout,
                maximumFrameLength: configuration.maximumFrameLength
            ),
            logger: logger,
            body: handler
        )
    }
}
