import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization
import ZapgateCrypto

/// The client side of WhatsApp's chat socket: dials the WebSocket, performs the Noise handshake
/// as initiator, and lends the connection to a closure for as long as the closure runs.
///
/// ```swift
/// let client = NoiseWebSocketClient(noiseKey: key)
/// try await client.connect(clientPayload: payload) { connection in
///     try await connection.send(node)
///     for try await frame in connection.frames { … }
/// }
/// ```
public struct NoiseWebSocketClient: Sendable {
    /// Where and how to connect.
    public struct Configuration: Sendable {
        /// The WebSocket URL (`ws://` or `wss://`).
        public var url: String
        /// The Origin header, by default the web client's `https://web.whatsapp.com`.
        ///
        /// HummingbirdWSClient always sends `Origin: <scheme>://<host>` of the URL it dials and
        /// offers no way to replace it (a second Origin header would be sent instead, which
        /// strict servers refuse). So the origin is sent by dialling the URL under the origin's
        /// scheme: it must be `http://` (for a `ws://` URL) or `https://` (for `wss://`)
        /// followed by the URL's host, with no port or path. nil sends `<ws|wss>://<host>`.
        public var origin: String?
        /// Further headers for the upgrade request.
        public var additionalHeaders: [(name: String, value: String)]
        /// Edge-routing info to send before the intro header, if the server gave some.
        public var routingInfo: Data?
        /// How the server's certificate chain is checked (trusted root, clock).
        public var verifier: NoiseCertificateVerifier
        /// How long the server may take to answer ClientHello.
        public var handshakeTimeout: Duration
        /// How long to wait for the server to answer a close.
        public var closeTimeout: Duration
        /// The largest frame accepted from the server.
        public var maximumFrameLength: Int

        /// WhatsApp's defaults: its URL, its Origin, its root key.
        public init(
            url: String = NoiseConstants.defaultURL,
            origin: String? = NoiseConstants.defaultOrigin,
            additionalHeaders: [(name: String, value: String)] = [],
            routingInfo: Data? = nil,
            verifier: NoiseCertificateVerifier = NoiseCertificateVerifier(),
            handshakeTimeout: Duration = NoiseConstants.defaultHandshakeTimeout,
            closeTimeout: Duration = .seconds(5),
            maximumFrameLength: Int = NoiseConstants.maximumFrameLength
        ) {
            self.url = url
            self.origin = origin
            self.additionalHeaders = additionalHeaders
            self.routingInfo = routingInfo
            self.verifier = verifier
            self.handshakeTimeout = handshakeTimeout
            self.closeTimeout = closeTimeout
            self.maximumFrameLength = maximumFrameLength
        }
    }

    /// The long-term key the client authenticates with (the one in the QR code).
    public let noiseKey: Curve25519KeyPair
    /// Where and how to connect.
    public var configuration: Configuration
    /// Where connection events are logged.
    public var logger: Logger

    /// A client that authenticates with `noiseKey`.
    public init(
        noiseKey: Curve25519KeyPair,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "zapgate.noise.client")
    ) {
        self.noiseKey = noiseKey
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects, sends `clientPayload` (a serialized `ClientPayload`) in ClientFinish, and runs
    /// `body` with the connection. When `body` returns or throws, the connection is closed
    /// cleanly; `body`'s result or error is passed on. A fresh ephemeral key is used every time.
    ///
    /// Connection failures throw ``NoiseConnectionError``.
    public func connect<Result: Sendable>(
        clientPayload: Data,
        _ body: @escaping @Sendable (NoiseConnection) async throws -> Result
    ) async throws -> Result {
        let outcome = Outcome<Result>()
        let role = NoiseWebSocketSession.Role.initiator(
            NoiseInitiator(noiseKey: noiseKey, verifier: configuration.verifier),
            clientPayload: clientPayload,
            introHeader: NoiseIntroHeader(routingInfo: configuration.routingInfo)
        )
        let url = try configuration.dialURL()
        let limits = NoiseWebSocketSession.Limits(
            handshakeTimeout: configuration.handshakeTimeout,
            closeTimeout: configuration.closeTimeout,
            maximumFrameLength: configuration.maximumFrameLength
        )
        let logger = logger
        do {
            try await WebSocketClient.connect(
                url: url,
                configuration: try webSocketConfiguration(),
                logger: logger
            ) { inbound, outbound, _ in
                // Errors are kept rather than thrown here, so they reach the caller unchanged.
                do {
                    let result = try await NoiseWebSocketSession.run(
                        inbound: inbound,
                        outbound: outbound,
                        role: role,
                        limits: limits,
                        logger: logger,
                        body: body
                    )
                    outcome.store(.success(result))
                } catch {
                    outcome.store(.failure(error))
                }
            }
        } catch {
            if let stored = outcome.value { return try stored.get() }
            throw NoiseConnectionError.webSocket("\(error)")
        }
        guard let stored = outcome.value else {
            throw NoiseConnectionError.closedDuringHandshake
        }
        return try stored.get()
    }

    private func webSocketConfiguration() throws(NoiseConnectionError) -> WebSocketClientConfiguration {
        var headers = HTTPFields()
        for (name, value) in configuration.additionalHeaders {
            guard let fieldName = HTTPField.Name(name), fieldName != .origin else {
                throw .invalidConfiguration("header \(name) cannot be sent; set `origin` for Origin")
            }
            headers[fieldName] = value
        }
        return WebSocketClientConfiguration(
            // A WebSocket frame carries a whole Noise frame, plus the intro on the first.
            maxFrameSize: NoiseConstants.maximumWebSocketMessageSize,
            additionalHeaders: headers,
            closeTimeout: configuration.closeTimeout,
            autoPing: .disabled
        )
    }
}

extension NoiseWebSocketClient.Configuration {
    /// The URL actually dialled: ``url`` under the scheme of ``origin`` (`https://` for `wss://`,
    /// `http://` for `ws://`), so that the WebSocket client's derived Origin header is ``origin``.
    /// The request, path and TLS are the same either way.
    public func dialURL() throws(NoiseConnectionError) -> String {
        guard let separator = url.range(of: "://") else {
            throw .invalidConfiguration("URL \(url) has no scheme")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        let secure: Bool
        switch scheme {
        case "wss", "https": secure = true
        case "ws", "http": secure = false
        default: throw .invalidConfiguration("URL \(url) is not a WebSocket URL")
        }
        guard let origin else { return url }
        let host: Substring
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[...close]  // an IPv6 literal keeps its brackets
        } else {
            host = rest.prefix { $0 != "/" && $0 != "?" && $0 != ":" }
        }
        let originScheme = secure ? "https" : "http"
        guard origin.lowercased() == "\(originScheme)://\(host.lowercased())" else {
            throw .invalidConfiguration(
                "Origin \(origin) cannot be sent to \(url): HummingbirdWSClient sends <scheme>://<host> of the "
                    + "URL it dials, so the origin must be \(originScheme)://\(host) (or nil)"
            )
        }
        return "\(originScheme)://\(rest)"
    }
}

/// Carries the session's result out of the WebSocket client's handler.
private final class Outcome<Value: Sendable>: Sendable {
    private let stored = Mutex<Result<Value, any Error>?>(nil)

    func store(_ result: Result<Value, any Error>) { stored.withLock { $0 = result } }

    var value: Result<Value, any Error>? { stored.withLock { $0 } }
}
