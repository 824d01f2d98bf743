import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import Synchronization
import ZapgateStore

/// Resolves `Authorization: Bearer <key>` to a ``Principal`` before a handler runs. Admin
/// operations need the admin key; the sandbox and operations endpoints need none; everything
/// else needs a live tenant key.
struct AuthMiddleware: ServerMiddleware {
    let store: GatewayStore
    let adminKeyHash: Data
    /// When each key's `last_used_at` was last written, so a busy key is written once a minute.
    let lastTouched = TouchTimes()

    final class TouchTimes: Sendable {
        let times = Mutex<[UUID: Date]>([:])
    }

    static let adminOperations: Set<String> = [
        "listPlans", "putPlan", "listTenants", "createTenant", "getTenant", "updateTenant", "deleteTenant",
        "listApiKeys", "createApiKey", "revokeApiKey",
    ]
    static let publicOperations: Set<String> = [
        "listSandboxPhones", "createSandboxPhone", "scanSandboxQR", "enterSandboxPairingCode",
        "listSandboxMessages", "sendSandboxMessage", "markSandboxMessageRead", "getHealth", "getReadiness",
        "getMetrics", "getOpenAPIDocument", "getDocs",
    ]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next:
            @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            )
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if Self.publicOperations.contains(operationID) {
            return try await next(request, body, metadata)
        }
        let principal = try await principal(for: Self.bearer(request.headerFields[.authorization]))
        if Self.adminOperations.contains(operationID) {
            guard principal == .admin else { throw GatewayError.forbidden("Only the admin key may do this.") }
        } else if principal == .admin {
            throw GatewayError.forbidden(
                "The admin key manages tenants and plans; use a tenant's API key here.")
        }
        return try await Principal.$current.withValue(principal) {
            try await next(request, body, metadata)
        }
    }

    /// Who a key belongs to: the admin, or a tenant with a live key; anything else is 401.
    func principal(for key: String?) async throws(GatewayError) -> Principal {
        guard let key else { throw .unauthorized }
        let hash = KeyMaterial.hash(key)
        if hash == adminKeyHash { return .admin }
        let stored: APIKey?
        do { stored = try await store.apiKey(hash: hash) } catch { throw GatewayError(error) }
        guard let stored else { throw .unauthorized }
        await touch(stored.id)
        return .tenant(id: stored.tenantID, keyID: stored.id)
    }

    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let key = parts[1].trimmingCharacters(in: .whitespaces)
        return key.isEmpty ? nil : key
    }

    private func touch(_ id: UUID) async {
        let now = Date()
        let due = lastTouched.times.withLock { touched in
            if let last = touched[id], now.timeIntervalSince(last) < 60 { return false }
            touched[id] = now
            return true
        }
        if due { try? await store.touchAPIKey(id, now: now) }
    }
}
