// swift-tools-version:6.1
import PackageDescription

// Targets are listed bottom-up, in the order the layers depend on each other:
// primitives (crypto, protobuf schema) → wire → … → the `zapgate` command.
let package = Package(
    name: "Zapgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zapgate", targets: ["zapgate"]),
        .library(name: "ZapgateWire", targets: ["ZapgateWire"]),
        .library(name: "ZapgateNoise", targets: ["ZapgateNoise"]),
        .library(name: "ZapgateSignal", targets: ["ZapgateSignal"]),
        .library(name: "ZapgateEngine", targets: ["ZapgateEngine"]),
        .library(name: "ZapgateSimulator", targets: ["ZapgateSimulator"]),
        .library(name: "ZapgateQR", targets: ["ZapgateQR"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: Primitives
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // GMP does the one field inversion XEdDSA verification needs (Montgomery u to Edwards y).
        .systemLibrary(name: "CGMP", pkgConfig: "gmp", providers: [.apt(["libgmp-dev"])]),
        .target(
            name: "ZapgateCrypto",
            dependencies: [
                "CSodium",
                "CGMP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ZapgateProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["proto"]
        ),

        // MARK: Wire: JIDs and binary XML nodes (pure data, no I/O; fuzzed on its own)
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ZapgateWire", dependencies: ["CZlib"]),

        // MARK: Wire: Noise handshake, certificate chain, framed transport over WebSocket
        .target(
            name: "ZapgateNoise",
            dependencies: [
                "ZapgateCrypto",
                "ZapgateProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),

        // MARK: Signal protocol (X3DH, double ratchet, sender keys, stores)
        .target(
            name: "ZapgateSignal",
            dependencies: [
                "ZapgateCrypto", "ZapgateProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // MARK: Stanzas and pairing formats both ends share (engine and simulator)
        .target(
            name: "ZapgateProtocol",
            dependencies: [
                "ZapgateCrypto", "ZapgateProto", "ZapgateWire",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // MARK: Messaging: usync, prekey bundles, receipts, fan-out encryption and decryption, content
        .target(
            name: "ZapgateMessaging",
            dependencies: [
                "ZapgateCrypto", "ZapgateProto", "ZapgateWire", "ZapgateSignal", "ZapgateProtocol",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // MARK: Engine: one linked device (connect, pair, log in, prekeys, keepalive, reconnect)
        .target(
            name: "ZapgateEngine",
            dependencies: [
                "ZapgateCrypto", "ZapgateProto", "ZapgateWire", "ZapgateNoise", "ZapgateSignal",
                "ZapgateProtocol", "ZapgateMessaging", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                // Media uploads and downloads are plain HTTPS to the media hosts.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // MARK: Simulator: WhatsApp's server side and a scripted phone, beside the engine
        .target(
            name: "ZapgateSimulator",
            dependencies: [
                "ZapgateCrypto", "ZapgateProto", "ZapgateWire", "ZapgateNoise", "ZapgateSignal",
                "ZapgateProtocol", "ZapgateMessaging", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        ),

        // MARK: QR codes for linking: one encoder (libqrencode), PNG, SVG and terminal output
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(name: "ZapgateQR", dependencies: ["CQRencode", "CZlib"]),

        // MARK: Storage: one SQL layer (SQLite file or PostgreSQL), migrations, the engine's
        // device state encrypted at rest, and the gateway's tenants, instances and messages
        .target(
            name: "ZapgateStore",
            dependencies: [
                "ZapgateCrypto", "ZapgateWire", "ZapgateSignal", "ZapgateEngine",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // MARK: Gateway
        // The HTTP API contract (openapi.yaml) and the Swift swift-openapi-generator made from it
        // (Generated/, committed; scripts/generate-openapi.sh). The spec is embedded to serve it.
        .target(
            name: "ZapgateAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi-generator-config.yaml"],
            resources: [.embedInCode("openapi.yaml")]
        ),

        // The gateway: tenants, keys, plans, instances (one session actor each), the durable send
        // queue, the HTTP API over Hummingbird, metrics, and the sandbox's scripted phones.
        .target(
            name: "ZapgateGateway",
            dependencies: [
                "ZapgateAPI", "ZapgateStore", "ZapgateEngine", "ZapgateMessaging", "ZapgateProtocol", "ZapgateProto",
                "ZapgateWire", "ZapgateCrypto", "ZapgateNoise", "ZapgateQR", "ZapgateSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // MARK: The command
        .executableTarget(
            name: "zapgate",
            dependencies: [
                "ZapgateCrypto",
                "ZapgateWire",
                "ZapgateNoise",
                "ZapgateProtocol",
                "ZapgateMessaging",
                "ZapgateEngine",
                "ZapgateSimulator",
                "ZapgateQR",
                "ZapgateStore",
                "ZapgateGateway",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Benchmarks (run in release mode; results go in BENCHMARKS.md)
        .executableTarget(
            name: "ZapgateBenchmarks",
            dependencies: [
                "ZapgateCrypto", "ZapgateWire", "ZapgateNoise", "ZapgateSignal", "ZapgateEngine",
                "ZapgateSimulator", "ZapgateProtocol", "ZapgateMessaging", "ZapgateProto", "ZapgateGateway",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/ZapgateBenchmarks"
        ),

        // MARK: Tests
        // Spawns the oracle helper processes of Oracles/ for the interop tests.
        .target(name: "ZapgateTestSupport", path: "Sources/ZapgateTestSupport"),
        .testTarget(
            name: "ZapgateCryptoTests",
            dependencies: [
                "ZapgateCrypto", "ZapgateTestSupport", "CSodium", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ZapgateProtoTests",
            dependencies: [
                "ZapgateProto", "ZapgateTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(name: "ZapgateWireTests", dependencies: ["ZapgateWire", "ZapgateTestSupport"]),
        .testTarget(
            name: "ZapgateSignalTests", dependencies: ["ZapgateSignal", "ZapgateCrypto", "ZapgateTestSupport"]
        ),
        .testTarget(
            name: "ZapgateNoiseTests",
            dependencies: [
                "ZapgateNoise", "ZapgateCrypto", "ZapgateProto", "ZapgateTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ZapgateProtocolTests",
            dependencies: ["ZapgateProtocol", "ZapgateCrypto", "ZapgateWire", "ZapgateTestSupport"]
        ),
        .testTarget(
            name: "ZapgateMessagingTests",
            dependencies: ["ZapgateMessaging", "ZapgateSignal", "ZapgateCrypto", "ZapgateProto", "ZapgateWire"]
        ),
        .testTarget(name: "ZapgateQRTests", dependencies: ["ZapgateQR", "ZapgateTestSupport"]),
        .testTarget(
            name: "ZapgateSimulatorTests",
            dependencies: [
                "ZapgateSimulator", "ZapgateNoise", "ZapgateWire", "ZapgateCrypto", "ZapgateProto",
                "ZapgateProtocol", "ZapgateTestSupport",
            ]
        ),
        // Runs a test body against both storage backends (a scratch SQLite file, a scratch
        // PostgreSQL database on the server scripts/postgres.sh starts).
        .target(
            name: "ZapgateStoreTestSupport",
            dependencies: ["ZapgateStore", "ZapgateTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ZapgateStoreTests",
            dependencies: [
                "ZapgateStore", "ZapgateStoreTestSupport", "ZapgateEngine", "ZapgateSignal", "ZapgateCrypto",
                "ZapgateWire", "ZapgateTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ZapgateGatewayTests",
            dependencies: [
                "ZapgateGateway", "ZapgateStore", "ZapgateStoreTestSupport", "ZapgateEngine", "ZapgateSimulator",
                "ZapgateTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ZapgateEngineTests",
            dependencies: [
                "ZapgateEngine", "ZapgateSimulator", "ZapgateNoise", "ZapgateWire", "ZapgateCrypto",
                "ZapgateMessaging", "ZapgateProto", "ZapgateProtocol", "ZapgateSignal", "ZapgateTestSupport",
                "ZapgateStore", "ZapgateStoreTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
