import Foundation

/// Who is calling: the operator with the admin key, or a tenant with one of its API keys.
public enum Principal: Sendable, Equatable {
    case admin
    case tenant(id: UUID, keyID: UUID)

    /// The caller of the request being handled, set by ``AuthMiddleware`` for the handler's task.
    @TaskLocal static var current: Principal?

    /// The tenant calling, or the refusal a tenant-only operation gives anyone else.
    static func requireTenant() throws(GatewayError) -> UUID {
        switch current {
        case .tenant(let id, _): return id
        case .admin: throw .forbidden("The admin key manages tenants and plans; use a tenant's API key here.")
        case nil: throw .unauthorized
        }
    }

    static func requireAdmin() throws(GatewayError) {
        switch current {
        case .admin: return
        case .tenant: throw .forbidden("Only the admin key may do this.")
        case nil: throw .unauthorized
        }
    }
}
