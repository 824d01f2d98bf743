import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateStore

extension GatewayAPI {
    /// How long a live stream may stay silent before it sends a keepalive.
    static let streamKeepalive: Duration = .seconds(15)

    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let record = try await ownInstance(input.path.instanceId)
        let limit = try Validation.limit(input.query.limit)
        let after = try Self.eventPosition(input.query.after, field: "after")
        let filter = try GatewayEvent.filter(Self.patterns(input.query.types), field: "types")
        let page = try await records { () throws(GatewayStoreError) in
            try await store.events(instanceID: record.id, after: after, filter: filter, limit: limit)
        }
        return .ok(
            .init(body: .json(.init(items: try page.events.map(Self.schema), lastSeq: page.lastSeen))))
    }

    func streamEvents(_ input: Operations.StreamEvents.Input) async throws -> Operations.StreamEvents.Output {
        let record = try await ownInstance(input.path.instanceId)
        // A reconnecting EventSource sends the last id it saw; it wins over the query. With
        // neither, the stream starts with the next new event.
        let after = try await Self.streamStart(
            lastEventID: input.headers.lastEventID, after: input.query.after, instanceID: record.id,
            store: store)
        let filter = try GatewayEvent.filter(Self.patterns(input.query.types), field: "types")
        let tail = try EventTail(
            store: store, hub: events.hub, instanceID: record.id, tenantID: record.tenantID,
            limit: events.settings.streamsPerTenant, after: after, filter: filter)
        let body = HTTPBody(
            ServerSentEvents(tail: tail, keepalive: Self.streamKeepalive), length: .unknown,
            iterationBehavior: .single)
        return .ok(.init(headers: .init(cacheControl: "no-store"), body: .textEventStream(body)))
    }

    /// Where a live stream starts: after the last id the client saw, after `after`, or at the
    /// end of the log.
    static func streamStart(lastEventID: String?, after: Int64?, instanceID: UUID, store: GatewayStore)
        async throws(GatewayError) -> Int64
    {
        if let lastEventID {
            guard let seq = Int64(lastEventID.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
                throw .validation(field: "Last-Event-ID", detail: "Last-Event-ID is the number of an event.")
            }
            return seq
        }
        if let after { return try eventPosition(after, field: "after") }
        do { return try await store.lastEventSeq(instanceID: instanceID) } catch { throw GatewayError(error) }
    }

    static func eventPosition(_ value: Int64?, field: String) throws(GatewayError) -> Int64 {
        guard let value else { return 0 }
        guard value >= 0 else { throw .validation(field: field, detail: "An event number is 0 or more.") }
        return value
    }

    /// `types=message.*,instance.status` as a list.
    static func patterns(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map(String.init) }
    }

    /// The stored event as the API shows it; its JSON is the very payload webhooks carry.
    static func schema(_ event: EventRecord) throws -> Components.Schemas.Event {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? Date(
                text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            {
                return date
            }
            return try Date(text, strategy: .iso8601)
        }
        return try decoder.decode(Components.Schemas.Event.self, from: Data(event.payload.utf8))
    }
}
