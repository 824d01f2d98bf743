import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOSSL
import ZapgateCrypto
import ZapgateNoise
import ZapgateProtocol
import ZapgateWire

/// A stand-in for WhatsApp's chat servers, for tests and sandboxes: it speaks the real
/// protocol (Noise over WebSocket on `/ws/chat`, binary nodes, linking by QR or pairing code,
/// login, prekeys, keepalive) with its own certificate root, and a scripted phone per account.
///
/// ```swift
/// let simulator = try Simulator()
/// let server = Task { try await simulator.run { port in … } }
/// // point a client at ws://127.0.0.1:<port>/ws/chat trusting simulator.rootPublicKey
/// let device = try await simulator.phone("15550001111").scan(qrText)
/// server.cancel()
/// ```
public final class Simulator: Sendable {
    public let configuration: SimulatorConfiguration
    /// The certificate root clients must trust.
    public let authority: NoiseCertificateAuthority
    let identity: NoiseServerIdentity
    let registry: SimulatorRegistry
    let relay: SimulatorRelay
    let logger: Logger

    /// A simulator with `configuration`; reads the state file if one is configured.
    public init(
        configuration: SimulatorConfiguration = .init(),
        logger: Logger = Logger(label: "zapgate.simulator")
    ) throws(SimulatorError) {
        self.configuration = configuration
        self.logger = logger
        authority = NoiseCertificateAuthority(rootKey: configuration.rootKey ?? .generate())
        do {
            identity = try NoiseServerIdentity(authority: authority)
        } catch {
            throw .storage("could not issue the certificate chain: \(error)")
        }
        registry = try SimulatorRegistry(statePath: configuration.statePath, logger: logger)
        relay = SimulatorRelay(registry: registry, logger: logger)
    }

    /// The root public key clients must trust (``NoiseCertificateVerifier/trustedRootKey``).
    public var rootPublicKey: Data { authority.rootPublicKey }

    /// Serves until the calling task is cancelled; `onListening` gets the bound port. `port`
    /// overrides the configured one (to come back on the same port after a stop).
    public func run(
        port: Int? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let port = port ?? configuration.port
        let noise = NoiseWebSocketServer(
            identity: identity,
            configuration: .init(host: configuration.host, port: port, path: configuration.path),
            logger: logger
        ) { [registry, relay, configuration, logger] connection in
            let peer = SimulatorConnection(
                connection: connection, registry: registry, relay: relay, configuration: configuration,
                logger: logger)
            await peer.serve()
        }
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws(RouterPath(configuration.path)) { inbound, outbound, context in
            do {
                try await noise.handle(
                    inbound: inbound, outbound: outbound, origin: context.request.headers[.origin],
                    logger: context.logger)
            } catch {
                context.logger.debug("companion session ended", metadata: ["error": "\(error)"])
            }
        }
        let webSocket = HTTPServerBuilder.http1WebSocketUpgrade(
            webSocketRouter: router,
            configuration: .init(
                ws: WebSocketServerConfiguration(
                    maxFrameSize: NoiseConstants.maximumWebSocketMessageSize, autoPing: .disabled)))
        let server: HTTPServerBuilder
        if let tls = configuration.tls {
            let certificates = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
            server = try .tls(webSocket, tlsConfiguration: tlsConfiguration)
        } else {
            server = webSocket
        }
        // Plain HTTP requests on the same port reach the media server.
        let media = Router()
        SimulatorMediaRoutes.add(to: media, store: registry.media, configuration: configuration.media)
        let application = Application(
            router: media,
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: port)),
            onServerRunning: { [registry, configuration] channel in
                let bound = channel.localAddress?.port ?? 0
                await registry.media.serving(
                    host: Self.mediaHost(
                        listeningOn: configuration.host, port: bound, configuration: configuration.media),
                    scheme: configuration.tls == nil ? "http" : "https")
                await onListening(bound)
            },
            logger: logger
        )
        try await application.run()
    }

    /// The scripted phone of the account with this number, made on first use.
    public func phone(_ phoneNumber: String) async throws(SimulatorError) -> SimulatedPhone {
        guard (6...15).contains(phoneNumber.count), phoneNumber.allSatisfy({ $0.isASCII && $0.isNumber })
        else {
            throw .invalidInput("\(phoneNumber) is not a phone number (6 to 15 digits)")
        }
        _ = await registry.account(phoneNumber)
        return SimulatedPhone(phoneNumber: phoneNumber, registry: registry, relay: relay)
    }

    /// Every linked companion, across accounts.
    public func devices() async -> [SimulatedDevice] { await registry.allDevices() }

    /// One companion by its phone-number device JID.
    public func device(_ jid: JID) async -> SimulatedDevice? {
        await registry.describe(.init(phoneNumber: jid.user, device: jid.device))
    }

    /// How many companions are logged in now.
    public func onlineCount() async -> Int { await registry.onlineCount }

    /// The next login of `device` is refused with `failure` (401, 403, 405, 503 …), so clients'
    /// handling of each can be tested.
    public func failNextLogin(of device: JID, with failure: ConnectFailure) async {
        await registry.scheduleFailure(failure, for: .init(phoneNumber: device.user, device: device.device))
    }

    /// Ends `device`'s live connection with a stream error (503, replaced, 515 …).
    public func disconnect(_ device: JID, with error: StreamError) async throws(SimulatorError) {
        guard
            let connection = await registry.connection(
                for: .init(phoneNumber: device.user, device: device.device))
        else { throw .unknown("online device \(device)") }
        await connection.end(with: error)
    }

    /// Makes `device`'s live connection go quiet: it stays open but nothing is answered, as
    /// when a network path silently drops packets. Clients should notice by their keepalive.
    public func silence(_ device: JID) async throws(SimulatorError) {
        guard
            let connection = await registry.connection(
                for: .init(phoneNumber: device.user, device: device.device))
        else { throw .unknown("online device \(device)") }
        await connection.silence()
    }
}
