import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing
import ZapgateGateway
import ZapgateStoreTestSupport

/// The live event stream: a client reads some events, drops the connection, misses some, and
/// resumes from the last id it saw with nothing lost or repeated. SSE and WebSocket.
@Suite("Gateway event streams", .serialized)
struct GatewayStreamTests {
    static let phone = "5511900000201"
    static let contact = "5511900000202"

    @Test(arguments: TestBackend.allCases)
    func streamsResumeWithoutGaps(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("streams")
            let instance = try await gateway.linkedInstance(tenant, phoneNumber: Self.phone)
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": Self.contact])
            let types = "message.received"
            let base = "/v1/instances/\(instance)/events"

            // A stream with no position starts at the next new event: its position is fixed
            // by the time the response starts, so the messages are sent after that.
            let live = try await openStream(gateway, "\(base)/stream?types=\(types)", key: tenant.key)
            for number in 1...3 { try await gateway.phoneSends(Self.contact, to: Self.phone, "a\(number)") }
            let first = try await read(live, count: 3)
            #expect(first.map(\.text) == ["a1", "a2", "a3"])

            // Disconnected: three more arrive meanwhile; resuming from the last id gets them,
            // then the live ones.
            for number in 4...6 { try await gateway.phoneSends(Self.contact, to: Self.phone, "a\(number)") }
            try await waitForEvents(gateway, tenant, instance, count: 6)
            let lastID = try #require(first.last?.id)
            let resumed = try await openStream(
                gateway, "\(base)/stream?types=\(types)", key: tenant.key,
                headers: ["Last-Event-ID": String(lastID)])
            for number in 7...8 { try await gateway.phoneSends(Self.contact, to: Self.phone, "a\(number)") }
            let second = try await read(resumed, count: 5)
            #expect(second.map(\.text) == ["a4", "a5", "a6", "a7", "a8"])
            let seqs = (first + second).map(\.id)
            #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)

            // The WebSocket: the same log from a position, then live.
            for number in 9...10 { try await gateway.phoneSends(Self.contact, to: Self.phone, "a\(number)") }
            try await waitForEvents(gateway, tenant, instance, count: 10)
            let afterEight = try #require(second.last?.id)
            async let socket = websocket(
                gateway, "\(base)/ws?types=\(types)&after=\(afterEight)&access_token=\(tenant.key)", count: 3)
            try await Task.sleep(for: .milliseconds(300))
            try await gateway.phoneSends(Self.contact, to: Self.phone, "a11")
            let third = try await socket
            #expect(third.map(\.text) == ["a9", "a10", "a11"])

            // Refusals: no key, another tenant's key, a bad position.
            let other = try await gateway.tenant("other")
            #expect(try await gateway.call(.GET, "\(base)/stream", key: nil).status == 401)
            #expect(try await gateway.call(.GET, "\(base)/stream", key: other.key).status == 404)
            let bad = try await gateway.call(
                .GET, "\(base)/stream", key: tenant.key, headers: ["Last-Event-ID": "yesterday"])
            #expect(bad.status == 400)
            let anonymous = try await refusal(gateway, "\(base)/ws")
            #expect(anonymous?.code == 4401)
            #expect(anonymous?.reason.contains("access_token=") == true)
            #expect(
                try await refusal(gateway, "\(base)/ws?access_token=\(other.key)")?.code == 4404)
            let badPosition = try await refusal(gateway, "\(base)/ws?after=soon&access_token=\(tenant.key)")
            #expect(badPosition?.code == 4400)
            #expect(badPosition?.reason == "validation-failed: An event number is 0 or more.")
            #expect(try await gateway.call(.GET, "\(base)?types=nonsense", key: tenant.key).status == 400)
        }
    }

    /// A tenant may keep so many streams open, SSE and WebSocket together; one more is refused
    /// with 429 until one closes. Another tenant's streams are counted apart.
    @Test(arguments: TestBackend.allCases)
    func aTenantsOpenStreamsAreCapped(_ backend: TestBackend) async throws {
        var settings = WebhookSettings.testing
        settings.streamsPerTenant = 2
        try await GatewayHarness.with(backend, webhooks: settings) { gateway in
            let tenant = try await gateway.tenant("streams")
            let instance = try await gateway.connectingInstance(tenant)
            let base = "/v1/instances/\(instance)/events"
            // One SSE stream (counted once its head came) and one WebSocket (counted once it
            // delivered the first logged event), both held open.
            let sse = try await openStream(gateway, "\(base)/stream", key: tenant.key)
            let (opened, socketOpened) = AsyncStream.makeStream(of: Void.self)
            let (closing, closeSocket) = AsyncStream.makeStream(of: Void.self)
            let socket = Task {
                try await RawWebSocket.connect(
                    port: gateway.port, path: "\(base)/ws?after=0&access_token=\(tenant.key)"
                ) { _ in
                    socketOpened.yield()
                    for await _ in closing {}
                    return false
                }
            }
            var signal = opened.makeAsyncIterator()
            await signal.next()

            let refused = try await gateway.call(.GET, "\(base)/stream", key: tenant.key)
            #expect(refused.status == 429 && refused.problem == "too-many-streams")
            // A WebSocket is told why in its close frame: 4000 + the status.
            let closed = try await refusal(gateway, "\(base)/ws?access_token=\(tenant.key)")
            #expect(closed?.code == 4429)
            #expect(
                closed?.reason.hasPrefix("too-many-streams: A tenant may keep 2 live event streams") == true)
            let other = try await gateway.tenant("other")
            let elsewhere = try await gateway.connectingInstance(other)
            let theirs = try await openStream(
                gateway, "/v1/instances/\(elsewhere)/events/stream", key: other.key)

            // The WebSocket closes: its place is free again.
            closeSocket.finish()
            try await socket.value
            let again = try await poll {
                try await openStream(gateway, "\(base)/stream", key: tenant.key, expectOpen: false)
            } until: {
                $0.status != .tooManyRequests
            }
            #expect(again.status == .ok)
            withExtendedLifetime((sse, theirs)) {}
        }
    }

    /// Opens the WebSocket and returns the close frame the server ends it with at once.
    private func refusal(_ gateway: GatewayHarness, _ path: String) async throws -> (
        code: UInt16, reason: String
    )? {
        let closed = Mutex<(code: UInt16, reason: String)?>(nil)
        try await RawWebSocket.connect(port: gateway.port, path: path) { frame in
            guard case .close(let code, let reason) = frame else { return true }
            closed.withLock { $0 = (code, reason) }
            return false
        }
        return closed.withLock { $0 }
    }

    /// One event as a stream client got it.
    struct Received: Sendable {
        var id: Int64
        var type: String
        var text: String?
    }

    private func waitForEvents(
        _ gateway: GatewayHarness, _ tenant: TestTenant, _ instance: String, count: Int
    )
        async throws
    {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await gateway.events(tenant, instance, types: "message.received").count >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("fewer than \(count) messages arrived")
    }

    /// Opens an SSE stream; the answer's head has come when this returns.
    private func openStream(
        _ gateway: GatewayHarness, _ path: String, key: String, headers: [String: String] = [:],
        expectOpen: Bool = true
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(gateway.port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await gateway.client.execute(request, timeout: .seconds(30))
        if expectOpen {
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        }
        return response
    }

    /// Reads `count` events from an open SSE stream, then hangs up; fails after 60 s rather
    /// than wait for ever on an event that does not come.
    private func read(_ response: HTTPClientResponse, count: Int) async throws -> [Received] {
        try await withThrowingTaskGroup(of: [Received]?.self) { group in
            group.addTask {
                var received: [Received] = []
                var buffer = ""
                for try await chunk in response.body {
                    buffer += String(buffer: chunk)
                    while let end = buffer.range(of: "\n\n") {
                        let block = buffer[..<end.lowerBound]
                        buffer.removeSubrange(..<end.upperBound)
                        var id: Int64?
                        var type = ""
                        var data = ""
                        for line in block.split(separator: "\n") {
                            if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                            if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
                            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                        }
                        guard let id else { continue }  // a comment (keepalive)
                        received.append(Received(id: id, type: type, text: Self.text(of: data)))
                        if received.count == count { return received }
                    }
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let received = first else {
                Issue.record("fewer than \(count) events came on the stream within 60 s")
                return []
            }
            return received
        }
    }

    /// Reads `count` events from the WebSocket stream, then closes.
    private func websocket(_ gateway: GatewayHarness, _ path: String, count: Int) async throws -> [Received] {
        let collected = Collected()
        try await RawWebSocket.connect(port: gateway.port, path: path) { frame in
            guard case .text(let text) = frame else { return true }
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            let seq = (object["seq"] as? NSNumber)?.int64Value ?? 0
            return !collected.add(
                Received(id: seq, type: object["type"] as? String ?? "", text: Self.text(of: text)),
                until: count)
        }
        return collected.items
    }

    static func text(of json: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        return (object?["data"] as? [String: Any])?["text"] as? String
    }

    final class Collected: Sendable {
        private let state = Mutex<[Received]>([])
        var items: [Received] { state.withLock { $0 } }
        func add(_ item: Received, until count: Int) -> Bool {
            state.withLock {
                $0.append(item)
                return $0.count >= count
            }
        }
    }
}
