import AsyncHTTPClient
import Foundation

/// HTTP clients that connect a webhook's host name only to the address that was checked for
/// the attempt. Left to itself the client would resolve the name again to connect, and a name
/// whose answer changed in between (DNS rebinding) could reach inside the network. One client
/// per (name, address), so connections are reused while the answer stays the same; clients
/// unused for a while are shut down.
actor PinnedClients {
    private struct Entry {
        let client: HTTPClient
        var lastUsed: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private let idle: Duration
    private let makeClient: @Sendable (_ dnsOverride: [String: String]) -> HTTPClient

    /// Clients for requests that take at most `requestTimeout`: one unused for five minutes, and
    /// never less than twice that timeout, is shut down, so none is shut under a request.
    init(
        requestTimeout: Duration,
        makeClient: @escaping @Sendable (_ dnsOverride: [String: String]) -> HTTPClient
    ) {
        self.idle = max(.seconds(300), requestTimeout * 2)
        self.makeClient = makeClient
    }

    /// The client to dial `host` with once ``OutboundTarget/check(_:)`` allowed it: the one
    /// tied to the address it found, or `shared` for a host written as an address.
    func client(host: String, checked address: IPAddress?, otherwise shared: HTTPClient) async -> HTTPClient {
        guard let address else { return shared }
        return await client(host: host, address: address.description)
    }

    /// The client that connects `host` to `address` and nowhere else.
    private func client(host: String, address: String) async -> HTTPClient {
        let key = "\(host) \(address)"
        let now = ContinuousClock.now
        await shutDownIdle(now: now, keeping: key)
        if var entry = entries[key] {
            entry.lastUsed = now
            entries[key] = entry
            return entry.client
        }
        let client = makeClient([host: address])
        entries[key] = Entry(client: client, lastUsed: now)
        return client
    }

    /// Shuts every client down, at the end of the deliverer's run.
    func shutDown() async {
        let clients = entries.values.map(\.client)
        entries = [:]
        for client in clients { try? await client.shutdown() }
    }

    private func shutDownIdle(now: ContinuousClock.Instant, keeping key: String) async {
        let stale = entries.filter { $0.key != key && now - $0.value.lastUsed > idle }
        guard !stale.isEmpty else { return }
        // Out of the table first: the shutdowns suspend, and a caller in between must not get
        // a client that is closing.
        for name in stale.keys { entries[name] = nil }
        for entry in stale.values { try? await entry.client.shutdown() }
    }
}
