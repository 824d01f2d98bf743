import Foundation

extension Simulator {
    /// The stored body at a direct path (its query is ignored), as a client uploaded it.
    public func mediaBlob(at directPath: String) async -> Data? {
        await registry.media.blob(directPath: directPath)
    }

    /// Changes a stored body in place, so tests can serve a corrupted or truncated blob.
    public func tamperWithMedia(
        at directPath: String, _ change: @Sendable (inout Data) -> Void
    ) async throws(SimulatorError) {
        guard await registry.media.modify(directPath: directPath, change) else {
            throw .unknown("media at \(directPath)")
        }
    }

    /// How many blobs and bytes the media server holds.
    public func mediaUsage() async -> (blobs: Int, bytes: Int) { await registry.media.usage }

    /// The `host:port` the media server names: the configured one, else the listening address
    /// (127.0.0.1 for a wildcard, bracketed when IPv6) with the bound port.
    static func mediaHost(listeningOn host: String, port: Int, configuration: SimulatorMediaConfiguration)
        -> String
    {
        if let advertised = configuration.advertisedHost { return advertised }
        let name: String
        switch host {
        case "", "0.0.0.0", "::": name = "127.0.0.1"
        case let address where address.contains(":"): name = "[\(address)]"
        default: name = host
        }
        return "\(name):\(port)"
    }
}
