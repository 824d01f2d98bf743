import Foundation
import Logging
import ZapgateAPI
import ZapgateStore

/// The HTTP API: the handlers of the operations `openapi.yaml` declares. Inputs are validated
/// here; failures are thrown as ``GatewayError`` and answered as problem+json by the server.
struct GatewayAPI: APIProtocol {
    let store: GatewayStore
    let registry: InstanceRegistry
    let limits: GatewayLimits
    let metrics: GatewayMetrics
    let sandbox: SandboxPhones?
    let events: EventServices
    let logger: Logger

    /// Runs store calls, reporting their refusals in API terms.
    func records<T>(_ body: () async throws(GatewayStoreError) -> T) async throws(GatewayError) -> T {
        do { return try await body() } catch { throw GatewayError(error) }
    }

    /// The caller's instance, or 404 for anything else, including another tenant's instance.
    func ownInstance(_ id: String) async throws(GatewayError) -> InstanceRecord {
        let tenantID = try Principal.requireTenant()
        let instanceID = try Validation.id(id, what: "instance")
        guard
            let record = try await records({ () throws(GatewayStoreError) in
                try await store.instance(instanceID, tenantID: tenantID)
            })
        else { throw .notFound("No instance \(id.prefix(64)).") }
        return record
    }
}

/// Sizes and limits the API enforces.
public struct GatewayLimits: Sendable {
    /// The largest request body accepted (uploads included).
    public var maximumBodySize: Int
    /// The largest media accepted by upload, base64 or URL.
    public var maximumMediaSize: Int
    /// How long fetching a media URL may take.
    public var mediaFetchTimeout: Duration
    /// Allows media URLs (and their redirects) on loopback, private, link-local and other
    /// non-public addresses.
    public var allowPrivateMediaURLs: Bool

    public init(
        maximumBodySize: Int = 100 * 1024 * 1024, maximumMediaSize: Int = 64 * 1024 * 1024,
        mediaFetchTimeout: Duration = .seconds(30), allowPrivateMediaURLs: Bool = false
    ) {
        self.maximumBodySize = maximumBodySize
        self.maximumMediaSize = maximumMediaSize
        self.mediaFetchTimeout = mediaFetchTimeout
        self.allowPrivateMediaURLs = allowPrivateMediaURLs
    }
}
