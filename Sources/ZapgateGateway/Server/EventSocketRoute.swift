import Foundation
import Hummingbird
import HummingbirdWebSocket
import ServiceLifecycle
import ZapgateStore

/// The live event stream as a WebSocket, at `GET /v1/instances/{id}/events/ws`: one text
/// message per event (its JSON, as webhooks get it). Same key, filters and resume position as
/// the SSE stream; browsers, which cannot set headers on a WebSocket, may pass the key as
/// `access_token`.
///
/// A refusal (bad key, unknown instance, bad query, too many streams) comes as a close frame
/// right after the handshake: code 4000 + the HTTP status the SSE stream would answer, and the
/// problem's type and detail as the reason. A refused handshake could only say a bare 400, and
/// browsers show a WebSocket's close code but never a failed handshake's status.
struct EventSocketRoute {
    let store: GatewayStore
    let hub: EventHub
    let auth: AuthMiddleware
    /// How many streams one tenant may keep open.
    let streamLimit: Int

    /// What the upgrade request asked for, once checked.
    struct Subscription {
        var tenantID: UUID
        var instanceID: UUID
        var after: Int64
        var filter: EventFilter
    }

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.ws("/v1/instances/:instanceId/events/ws") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let tail: EventTail
            do {
                let asked = try await subscription(context.request, context.requestContext)
                tail = try EventTail(
                    store: store, hub: hub, instanceID: asked.instanceID, tenantID: asked.tenantID,
                    limit: streamLimit, after: asked.after, filter: asked.filter)
            } catch {
                let refusal = error as? GatewayError ?? .internal("\(error)")
                if case .internal(let why) = refusal {
                    context.logger.error("could not open an event stream", metadata: ["error": "\(why)"])
                }
                try await outbound.close(
                    .unknown(UInt16(4000 + refusal.problem.status)), reason: Self.reason(refusal))
                return
            }
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

    /// The close frame's reason: `<problem type>: <detail>`, within the 123 bytes a close
    /// frame has room for, cut at a character.
    static func reason(_ refusal: GatewayError) -> String {
        // A browser cannot set headers on a WebSocket: point it at the query parameter.
        let detail =
            refusal == .unauthorized
            ? "Pass a valid key as access_token=<key> (or Authorization: Bearer <key>)." : refusal.detail
        var reason = ""
        for character in "\(refusal.problem.slug): \(detail)" {
            guard reason.utf8.count + String(character).utf8.count <= 123 else { break }
            reason.append(character)
        }
        return reason
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
        return Subscription(tenantID: tenantID, instanceID: instanceID, after: after, filter: filter)
    }
}
