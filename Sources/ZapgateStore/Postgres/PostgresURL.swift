import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL, taken apart.
///
/// `sslmode` follows libpq: `disable` (the default), `prefer` and `require` encrypt without
/// checking the certificate, `verify-full` (or `verify-ca`) checks it against the system's roots.
struct PostgresURL: Sendable, Equatable {
    enum TLSMode: String, Sendable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    var tls: TLSMode

    /// Error messages never repeat the URL: it may hold a password.
    init(parsing text: String) throws(StoreError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw .configuration("a PostgreSQL URL looks like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .configuration("the PostgreSQL URL has no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw .configuration("the PostgreSQL URL has no user name")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? nil : path
        self.tls = .disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca", "verify-full": tls = .verifyFull
                default:
                    throw .configuration(
                        "sslmode must be disable, prefer, require or verify-full")
                }
            default:
                throw .configuration(
                    "the PostgreSQL URL parameter \(item.name) is not supported (only sslmode)")
            }
        }
    }

    /// The configuration of the pooled client.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(Self.encryptingOnly)
            case .require: .require(Self.encryptingOnly)
            case .verifyFull: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The configuration of a single connection, for the check at open that reports why a
    /// server cannot be reached instead of the pool quietly retrying.
    func connectionConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: Self.encryptingOnly))
            case .require: tls = .require(try NIOSSLContext(configuration: Self.encryptingOnly))
            case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .configuration("cannot set up TLS for PostgreSQL: \(error)")
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// libpq's `require`: encrypted, whoever the certificate names.
    private static var encryptingOnly: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
