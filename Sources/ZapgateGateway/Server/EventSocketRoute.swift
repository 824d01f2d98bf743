import Foundation
import Hummingbird
import HummingbirdWebSocket
import ServiceLifecycle
import ZapgateStore

/// The live event stream as a WebSocket, at `GET /v1/instances/{id}/events/ws`: one text
/// message per event (its JSON, as webhooks get it). Same key, filters and resume position as
/// the SSE stream; browsers, which cannot set headers on a WebSocket, may pass the key as
/// `access_token`.
struct EventSocketRoute {
    let store: GatewayStore
    let hub: EventHub
    let auth: AuthMiddleware

    /// What the upgrade request asked for, once checked.
    struct Subscription {
        var instanceID: UUID
        var after: Int64
        var filter: EventFilter
    }

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.ws("/v1/instances/:instanceId/events/ws") { request, context in
            _ = try await subscription(request, context)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let asked = try await subscription(context.request, context.requestContext)
            let tail = EventTail(
                store: store, hub: hub, instanceID: asked.instanceID, after: asked.after, filter: asked.filter
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Reading the client's side notices its close; what it says is ignored.
                group.addTask { for try await _ in inbound {} }
                group.addTask {
                    // Ends at shutdown; idle periods need nothing from us (the server pings).
                    try await cancelWhenGracefulShutdown {
                        while true {
                            if let event = try await tail.next(idle: GatewayAPI.streamKeepalive) {
                                try await outbound.write(.text(event.payload))
                            }
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// Checks the key, the instance and the query; throws the problem the client gets.
    func subscription(_ request: Request, _ context: some RequestContext) async throws -> Subscription {
        let query = request.uri.queryParameters
        let key =
            AuthMiddleware.bearer(request.headers[.authorization]) ?? query["access_token"].map(String.init)
        guard case .tenant(let tenantID, _) = try await auth.principal(for: key) else {
            throw GatewayError.forbidden(
                "The admin key manages tenants and plans; use a tenant's API key here.")
        }
        let text = context.parameters.get("instanceId") ?? ""
        let instanceID = try Validation.id(text, what: "instance")
        let record: InstanceRecord?
        do { record = try await store.instance(instanceID, tenantID: tenantID) } catch {
            throw GatewayError(error)
        }
        guard record != nil else { throw GatewayError.notFound("No instance \(text.prefix(64)).") }
        var asked: Int64?
        if let value = query["after"] {
            guard let number = Int64(value) else {
                throw GatewayError.validation(field: "after", detail: "An event number is 0 or more.")
            }
            asked = number
        }
        let after = try await GatewayAPI.streamStart(
            lastEventID: nil, after: asked, instanceID: instanceID, store: store)
        let filter = try GatewayEvent.filter(
            GatewayAPI.patterns(query["types"].map(String.init)), field: "types")
        return Subscription(instanceID: instanceID, after: after, filter: filter)
    }
}
