import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// HTTP to a gateway that comes and goes: the port is that of the current process (a restarted
/// gateway listens on a new one), and a call to a dead one throws rather than answering.
final class GatewayClient: Sendable {
    /// The gateway is known to be dead: calls fail at once, as a refused connection does for a
    /// client. (AsyncHTTPClient would keep trying to connect until its connect timeout.)
    struct GatewayDown: Error {}

    let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(30))))
    /// The current gateway's port; nil while it is down.
    private let currentPort = Mutex<Int?>(nil)

    /// Where calls go from now on.
    func gatewayStarted(port: Int) {
        currentPort.withLock { $0 = port }
    }

    /// Calls fail with ``GatewayDown`` until ``gatewayStarted(port:)``.
    func gatewayDied() {
        currentPort.withLock { $0 = nil }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends a request; `json` is serialised as the body. Throws when the gateway does not
    /// answer (refused, or killed mid-request).
    func call(
        _ method: HTTPMethod, _ path: String, key: String? = nil, json: [String: Any]? = nil,
        headers: [String: String] = [:]
    ) async throws -> Answer {
        guard let port = currentPort.withLock({ $0 }) else { throw GatewayDown() }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }

    /// Polls GET `path` until `condition` holds, also through calls that throw (a gateway still
    /// starting); `check` may throw to stop at once on an answer that must never be seen.
    @discardableResult
    func waitFor(
        _ path: String, key: String?, timeout: Duration = .seconds(60), _ what: String,
        check: (Answer) throws -> Void = { _ in }, until condition: (Answer) -> Bool
    ) async throws -> Answer {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var last = 0
        while true {
            if let answer = try? await call(.GET, path, key: key) {
                try check(answer)
                if condition(answer) { return answer }
                last = answer.status
            }
            guard ContinuousClock.now < deadline else {
                throw GatewayHarness.WaitTimeout(what: what, last: last)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every message of an instance in `direction` (`inbound` or `outbound`), walking the
    /// pages with the cursor; newest first.
    func allMessages(instance: String, key: String, direction: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var cursor: String?
        repeat {
            let path =
                "/v1/instances/\(instance)/messages?limit=100&direction=\(direction)"
                + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await call(.GET, path, key: key)
            guard page.status == 200 else {
                throw UnexpectedAnswer(what: "list messages", answer: page)
            }
            items += page.json["items"] as? [[String: Any]] ?? []
            cursor = page.json["nextCursor"] as? String
        } while cursor != nil
        return items
    }
}

/// An answer the test did not expect, with its status and body.
struct UnexpectedAnswer: Error, CustomStringConvertible {
    var what: String
    var answer: Answer
    var description: String {
        "\(what): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))"
    }
}
