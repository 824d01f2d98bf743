import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Testing
import ZapgateStoreTestSupport
import ZapgateTestSupport

/// Webhook deliveries judged by verifiers we did not write into the gateway: the Standard
/// Webhooks library from PyPI and the stdlib snippet the docs publish
/// (docs/examples/verify_webhook.py), both run on every request by Oracles/webhook_oracle.py,
/// a receiver on 127.0.0.1. Real events from the sandbox; each case on SQLite and PostgreSQL.
@Suite("Webhook interop", .serialized)
struct WebhookInteropTests {
    static let phone = "5511900000301"
    static let contact = "5511900000302"

    @Test(arguments: TestBackend.allCases)
    func deliveriesVerifyWithTheLibraryAndTheDocumentedSnippet(_ backend: TestBackend) async throws {
        let secret = WebhookOracle.randomSecret()
        // Started first: its port goes into the subscription's URL, and the test picks the secret.
        let oracle = try await WebhookOracle.start(secret: secret)
        defer { oracle.stop() }
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("interop")
            let created = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": oracle.url("/hook"), "events": ["*"], "secret": secret])
            try #require(created.status == 201, "create webhook: \(created.status) \(created.text)")
            #expect(created.json["secret"] as? String == secret, "a secret the client brings is kept")
            let hook = try #require(created.json["id"] as? String)

            // instance.status and instance.qr while linking, then message.received. The texts
            // carry non-ASCII so the signed bytes are not plain ASCII JSON.
            let instance = try await gateway.linkedInstance(tenant, phoneNumber: Self.phone)
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": Self.contact])
            let texts = (1...5).map { "interop \($0): olá, ünïcode ✓ 🚀 \"quoted\" \\ back/slash" }
            for text in texts { try await gateway.phoneSends(Self.contact, to: Self.phone, text) }

            // Until the oracle has seen every logged event (the log is read again each time,
            // since linking may still add an instance.status), or refused one: a refused
            // delivery is retried and holds back the rest of its lane.
            var logged: [[String: Any]] = []
            var delivered: [OracleVerdict] = []
            let deadline = ContinuousClock.now + .seconds(90)
            while true {
                logged = try await gateway.events(tenant, instance)
                delivered = oracle.verdicts.filter { $0.path == "/hook" }
                let received = logged.filter { $0["type"] as? String == "message.received" }.count
                let wanted = Set(logged.compactMap { $0["id"] as? String })
                if received == texts.count, wanted.isSubset(of: Set(delivered.compactMap(\.id))) { break }
                if delivered.contains(where: { !$0.libraryOK || !$0.stdlibOK }) { break }
                guard ContinuousClock.now < deadline else {
                    let seen = "the oracle saw \(delivered.count) requests for \(logged.count) logged events"
                    Issue.record("\(seen); its stderr:\n\(oracle.stderrText)")
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }

            let refused = delivered.filter { !$0.libraryOK || !$0.stdlibOK }
            try #require(
                refused.isEmpty, "refused: \(refused.first?.error ?? "") (\(refused.count) requests)")
            // Accepted at once, so each event came once, on its first attempt, in the log's order.
            #expect(delivered.map(\.id) == logged.map { $0["id"] as? String })
            #expect(delivered.map(\.seq) == logged.map { ($0["seq"] as? NSNumber)?.int64Value })
            #expect(delivered.map(\.type) == logged.map { $0["type"] as? String })
            #expect(delivered.allSatisfy { $0.webhookID == $0.id && $0.attempt == "1" })
            let types = Set(delivered.compactMap(\.type))
            #expect(types.isSuperset(of: ["instance.status", "instance.qr", "message.received"]))
            let receivedTexts = delivered.filter { $0.type == "message.received" }.compactMap {
                ($0.event["data"] as? [String: Any])?["text"] as? String
            }
            #expect(receivedTexts == texts)

            // The test ping is signed the same way.
            let ping = try await gateway.call(.POST, "/v1/webhooks/\(hook)/test", key: tenant.key)
            #expect(ping.status == 200)
            #expect(ping.json["delivered"] as? Bool == true, "ping: \(ping.text)")
            #expect(ping.json["statusCode"] as? Int == 204)
            let pinged = try await oracle.next(path: "/hook") { $0.type == "webhook.test" }
            #expect(pinged.libraryOK && pinged.stdlibOK, "ping refused: \(pinged.error ?? "")")
            #expect(pinged.webhookID == pinged.id)

            try await checkForgeries(
                of: try #require(delivered.first { $0.type == "message.received" }),
                other: try #require(delivered.first), secret: secret, oracle: oracle,
                client: gateway.client)
        }
    }

    /// Sends a genuine delivery to the oracle again, unchanged (accepted: both verifiers check
    /// signatures, not duplicates) and with one part changed (refused by both): the body, the
    /// id, or the timestamp pushed past the five-minute tolerance under a correct signature.
    private func checkForgeries(
        of genuine: OracleVerdict, other: OracleVerdict, secret: String, oracle: WebhookOracle,
        client: HTTPClient
    ) async throws {
        let body = Data(try #require(genuine.body).utf8)
        let headers = [
            "webhook-id": try #require(genuine.webhookID),
            "webhook-timestamp": try #require(genuine.timestamp),
            "webhook-signature": try #require(genuine.signature),
        ]
        let copy = try await oracle.probe("/probe/copy", headers: headers, body: body, client: client)
        #expect(copy.status == 204)
        #expect(copy.verdict.libraryOK && copy.verdict.stdlibOK, "copy refused: \(copy.verdict.error ?? "")")

        // One character of the text changed, the signature left as it was.
        let tamperedText = try #require(
            genuine.body?.replacingOccurrences(of: "interop 1", with: "interop 7"))
        #expect(tamperedText != genuine.body)
        let tampered = try await oracle.probe(
            "/probe/body", headers: headers, body: Data(tamperedText.utf8), client: client)
        #expect(tampered.status == 400)
        #expect(!tampered.verdict.libraryOK && !tampered.verdict.stdlibOK, "tampered body accepted")

        let otherEventID = try #require(other.id)
        #expect(otherEventID != headers["webhook-id"])
        var otherID = headers
        otherID["webhook-id"] = otherEventID
        let moved = try await oracle.probe("/probe/id", headers: otherID, body: body, client: client)
        #expect(moved.status == 400)
        #expect(!moved.verdict.libraryOK && !moved.verdict.stdlibOK, "signature accepted for another id")

        // Signed here with swift-crypto: fresh it passes (so the signing is right), ten
        // minutes old it is refused for its age alone.
        let now = Int64(Date().timeIntervalSince1970)
        for (path, timestamp, accepted) in [("/probe/fresh", now, true), ("/probe/stale", now - 600, false)] {
            var signed = headers
            signed["webhook-timestamp"] = String(timestamp)
            signed["webhook-signature"] = try WebhookOracle.sign(
                secret: secret, id: try #require(headers["webhook-id"]), timestamp: timestamp, body: body)
            let answer = try await oracle.probe(path, headers: signed, body: body, client: client)
            #expect(answer.status == (accepted ? 204 : 400), "\(path)")
            #expect(answer.verdict.libraryOK == accepted, "\(path): \(answer.verdict.error ?? "")")
            #expect(answer.verdict.stdlibOK == accepted, "\(path): \(answer.verdict.error ?? "")")
        }
    }
}

/// What the oracle printed for one request.
struct OracleVerdict: Sendable {
    /// The JSON line as printed.
    let line: String

    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    var path: String? { object["path"] as? String }
    var id: String? { object["id"] as? String }
    var type: String? { object["type"] as? String }
    var seq: Int64? { (object["seq"] as? NSNumber)?.int64Value }
    var libraryOK: Bool { object["library_ok"] as? Bool ?? false }
    var stdlibOK: Bool { object["stdlib_ok"] as? Bool ?? false }
    var error: String? { object["error"] as? String }
    var webhookID: String? { object["webhook_id"] as? String }
    var timestamp: String? { object["timestamp"] as? String }
    var signature: String? { object["signature"] as? String }
    var attempt: String? { object["attempt"] as? String }
    var body: String? { object["body"] as? String }

    /// The delivered event: the body parsed.
    var event: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data((body ?? "").utf8))) as? [String: Any] ?? [:]
    }
}

/// Oracles/webhook_oracle.py in `.venv-events` (scripts/setup.sh --test), listening on
/// 127.0.0.1 and printing a verdict per request.
struct WebhookOracle: Sendable {
    let process: LineProcess
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `whsec_` and the base64 of 32 random bytes, as a client may choose its own secret.
    static func randomSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    /// The `webhook-signature` value for `body` sent as `id` at `timestamp`, computed here
    /// from the Standard Webhooks definition.
    static func sign(secret: String, id: String, timestamp: Int64, body: Data) throws -> String {
        guard let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) else {
            throw Failure(description: "not a whsec_ secret")
        }
        let signed = Data("\(id).\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    static func start(secret: String) async throws -> WebhookOracle {
        let python = RepositoryPaths.root.appendingPathComponent(".venv-events/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw OracleProcess.Failure.environmentMissing(python.path)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONUNBUFFERED"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        let process = try LineProcess(
            executable: python,
            arguments: [RepositoryPaths.oracles.appendingPathComponent("webhook_oracle.py").path, secret],
            environment: environment)
        let line = try await process.nextLine(waitingFor: "listening <port>", timeout: .seconds(30)) {
            $0.hasPrefix("listening ")
        }
        guard let port = Int(line.dropFirst("listening ".count)) else {
            throw Failure(description: "the oracle said \(line)")
        }
        return WebhookOracle(process: process, port: port)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var stderrText: String { process.stderrText }

    /// Every verdict printed so far, in arrival order.
    var verdicts: [OracleVerdict] {
        process.stdoutLines.filter { $0.hasPrefix("{") }.map { OracleVerdict(line: $0) }
    }

    /// The first verdict not read before for a request to `path` that `match` accepts.
    func next(path: String, where match: (OracleVerdict) -> Bool = { _ in true }) async throws
        -> OracleVerdict
    {
        let line = try await process.nextLine(waitingFor: "a verdict for \(path)", timeout: .seconds(30)) {
            let verdict = OracleVerdict(line: $0)
            return $0.hasPrefix("{") && verdict.path == path && match(verdict)
        }
        return OracleVerdict(line: line)
    }

    /// POSTs `body` with `headers` to the oracle and returns its status and verdict.
    func probe(_ path: String, headers: [String: String], body: Data, client: HTTPClient) async throws
        -> (status: Int, verdict: OracleVerdict)
    {
        var request = HTTPClientRequest(url: url(path))
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(data: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), try await next(path: path))
    }

    func stop() { process.stop() }
}
