import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches media a send names by URL, within a size and time limit. Unless private targets
/// are allowed, every host on the way (redirects are followed by hand, each one checked) must
/// be public and is dialled at the address that was checked: a tenant must not make the
/// gateway read what sits beside it (a cloud's metadata service, an internal admin page) and
/// send it on as media.
struct MediaFetcher: Sendable {
    /// A client that does not follow redirects.
    var client: HTTPClient
    var maximumSize: Int
    var timeout: Duration
    var allowPrivateTargets: Bool
    var pinned: PinnedClients
    /// Checks each host before it is dialled (the tests put a stand-in resolver here).
    var check: @Sendable (_ host: String) async -> OutboundTarget.Check = OutboundTarget.check
    /// How many redirects are followed.
    static let maximumRedirects = 5

    init(client: HTTPClient, maximumSize: Int, timeout: Duration, allowPrivateTargets: Bool) {
        self.client = client
        self.maximumSize = maximumSize
        self.timeout = timeout
        self.allowPrivateTargets = allowPrivateTargets
        self.pinned = PinnedClients(requestTimeout: timeout) { Self.makeClient(dnsOverride: $0) }
    }

    /// A client for media URLs: redirects are followed by ``fetch(_:)``, which checks them.
    static func makeClient(dnsOverride: [String: String] = [:]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.dnsOverride = dnsOverride
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    struct Fetched: Sendable {
        var data: Data
        var mimetype: String?
    }

    enum FetchError: Error, Sendable, Equatable {
        case invalidURL
        /// The URL (or a redirect) points somewhere the gateway may not fetch from.
        case refused(String)
        case status(Int)
        case tooLarge(limit: Int)
        case transport(String)

        var detail: String {
            switch self {
            case .invalidURL: "only http and https URLs can be fetched"
            case .refused(let why): why
            case .status(let code): "the server answered \(code)"
            case .tooLarge(let limit): "the media is larger than \(limit) bytes"
            case .transport(let why): why
            }
        }
    }

    func fetch(_ url: String) async throws(FetchError) -> Fetched {
        let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
        var current = url
        for _ in 0...Self.maximumRedirects {
            guard let parsed = URL(string: current), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = parsed.host, !host.isEmpty
            else { throw .invalidURL }
            let dialler = try await client(for: host)
            let response: HTTPClientResponse
            do {
                var request = HTTPClientRequest(url: current)
                request.method = .GET
                response = try await dialler.execute(request, deadline: deadline)
            } catch {
                throw .transport("\(error)")
            }
            let status = Int(response.status.code)
            if (300..<400).contains(status), let location = response.headers.first(name: "location") {
                guard let next = URL(string: location, relativeTo: parsed)?.absoluteString else {
                    throw .transport("a redirect to \(location.prefix(200)), which is not a URL")
                }
                current = next
                continue
            }
            guard (200..<300).contains(status) else { throw .status(status) }
            return try await read(response)
        }
        throw .transport("more than \(Self.maximumRedirects) redirects")
    }

    /// The client to dial `host` with, once it is checked.
    private func client(for host: String) async throws(FetchError) -> HTTPClient {
        guard !allowPrivateTargets else { return client }
        switch await check(host) {
        case .refused(let why): throw .refused(why)
        case .unresolved(let why): throw .transport(why)
        case .allowed(let address):
            return await pinned.client(host: host, checked: address, otherwise: client)
        }
    }

    /// Reads the body within the size limit.
    private func read(_ response: HTTPClientResponse) async throws(FetchError) -> Fetched {
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumSize
        {
            throw .tooLarge(limit: maximumSize)
        }
        var data = Data()
        do {
            for try await chunk in response.body {
                guard data.count + chunk.readableBytes <= maximumSize else {
                    throw FetchError.tooLarge(limit: maximumSize)
                }
                data.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as FetchError {
            throw error
        } catch {
            throw .transport("\(error)")
        }
        let type = response.headers.first(name: "content-type")?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return Fetched(data: data, mimetype: type)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
