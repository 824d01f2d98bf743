import Foundation
import Testing
import ZapgateStoreTestSupport
import ZapgateTestSupport

/// The HTTP API judged against its own contract by a tester we did not write: Schemathesis
/// (PyPI, pinned in Oracles/requirements-schemathesis.txt, `.venv-schemathesis`) reads the
/// `/openapi.yaml` the gateway serves and sends it generated requests, valid and invalid, to
/// every operation a tenant key may call. It fails on a 5xx, an undocumented status, a wrong
/// content type, a body or header that breaks the response schema, a missing key that is not
/// 401, and an invalid query or path parameter that is accepted. Oracles/schemathesis.toml
/// says which checks run and why the others do not.
@Suite("API conformance", .serialized)
struct APIConformanceTests {
    static let phone = "5511900000401"
    static let contact = "5511900000402"

    /// Generated cases per operation and phase; the coverage phase adds its own fixed set.
    /// Ten keeps the run around a minute on two busy cores.
    static let examplesPerOperation = 10

    /// Operations a tenant key may call, by tag, less those that cannot run here: the event
    /// stream never ends, and a pairing code waits on the simulated phone.
    static let tags = ["instances", "messages", "events", "webhooks"]
    static let excludedOperations = ["streamEvents", "requestPairingCode"]

    @Test func tenantOperationsConformToTheSpec() async throws {
        let schemathesis = RepositoryPaths.root.appendingPathComponent(".venv-schemathesis/bin/schemathesis")
        guard FileManager.default.isExecutableFile(atPath: schemathesis.path) else {
            throw OracleProcess.Failure.environmentMissing(schemathesis.path)
        }
        // Where every webhook and media URL points (Oracles/schemathesis_hooks.py rewrites the
        // generated ones): it answers at once, so test pings do not wait out a timeout.
        let receiver = WebhookReceiver()
        try await receiver.start()
        do {
            try await judge(schemathesis, receiver: receiver)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// Runs schemathesis against a fresh gateway with its resources made.
    private func judge(_ schemathesis: URL, receiver: WebhookReceiver) async throws {
        try await GatewayHarness.with(.sqlite) { gateway in
            let ids = try await makeResources(gateway, receiver: receiver.url)
            let base = "http://127.0.0.1:\(gateway.port)"
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zg-schemathesis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }

            var arguments = [
                "--config-file", RepositoryPaths.oracles.appendingPathComponent("schemathesis.toml").path,
                "run", "\(base)/openapi.yaml",
                // The base URL is given, so the spec's `servers` is never followed elsewhere.
                "--url", base,
                "--max-examples", String(Self.examplesPerOperation),
                // One worker: with two, Hypothesis (6.170) sometimes fails inside the coverage
                // phase ("AST constructor recursion depth mismatch", its lambda-source parsing is
                // not thread-safe on Python 3.11), an error in the tool, not in the gateway.
                "--workers", "1", "--request-timeout", "20", "--no-color",
                // Nothing is kept between runs, and nothing is written into the repository.
                "--generation-database", "none",
            ]
            for tag in Self.tags { arguments += ["--include-tag", tag] }
            for operation in Self.excludedOperations { arguments += ["--exclude-operation-id", operation] }

            var environment = ProcessInfo.processInfo.environment
            // requests would send through a proxy named in the environment; only 127.0.0.1 may
            // be contacted.
            for name in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
                environment[name] = nil
            }
            environment["NO_PROXY"] = "*"
            environment["PYTHONPATH"] = RepositoryPaths.oracles.path  // schemathesis_hooks.py
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
            environment["ZAPGATE_BASE_URL"] = base
            environment["ZAPGATE_LOOPBACK_URL"] = receiver.url
            for (name, value) in ids.environment { environment[name] = value }

            let started = ContinuousClock.now
            let process = try LineProcess(
                executable: schemathesis, arguments: arguments, environment: environment,
                workingDirectory: scratch)
            defer { process.stop() }
            guard let status = await process.exitStatus(timeout: .seconds(600)) else {
                Issue.record("schemathesis still running after 600 s; it printed:\n\(Self.tail(process))")
                return
            }
            let elapsed = ContinuousClock.now - started
            #expect(
                status == 0,
                "schemathesis exited with \(status) after \(elapsed); it printed:\n\(Self.tail(process))")
            // The URLs the run left in webhooks all went through the hook: none names another host.
            let hooks = try await gateway.call(.GET, "/v1/webhooks?limit=100", key: ids.tenantKey)
            let urls = ((hooks.json["items"] as? [[String: Any]]) ?? []).map { $0["url"] as? String ?? "" }
            #expect(!urls.isEmpty && urls.allSatisfy { $0 == receiver.url }, "webhook URLs: \(Set(urls))")
            // Its count of cases, for the log of a passing run too.
            if let counts = process.stdoutLines.last(where: { $0.contains(" generated, ") }) {
                print("schemathesis, \(elapsed):", counts.trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// Ids the config file puts into path parameters, as its environment variables.
    struct Resources {
        var environment: [String: String]
        var tenantKey: String { environment["ZAPGATE_TENANT_KEY"] ?? "" }
    }

    /// A tenant with a key; a linked instance that has sent a message; a spare instance for the
    /// delete and logout operations; a webhook that has a delivery, and a spare one to delete.
    private func makeResources(_ gateway: GatewayHarness, receiver: String) async throws -> Resources {
        let tenant = try await gateway.tenant("conformance")
        let instance = try await gateway.linkedInstance(tenant, phoneNumber: Self.phone)
        let spare = try await gateway.call(.POST, "/v1/instances", key: tenant.key, json: ["name": "spare"])
        try #require(spare.status == 201, "spare instance: \(spare.status)")
        let contact = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": Self.contact])
        try #require(contact.status == 201)

        var webhooks: [String] = []
        for description in ["main", "spare"] {
            let hook = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": receiver, "events": ["*"], "description": description])
            try #require(
                hook.status == 201, "webhook: \(hook.status) \(String(decoding: hook.body, as: UTF8.self))")
            webhooks.append(try #require(hook.json["id"] as? String))
        }
        // Sent after the webhooks exist, so its events give the first webhook a delivery.
        let message = try await gateway.send(
            tenant, instance, ["to": Self.contact, "type": "text", "text": "hi"])
        let deliveries = try await gateway.waitFor(
            "/v1/webhooks/\(webhooks[0])/deliveries", key: tenant.key, "a delivery"
        ) { answer in
            answer.status == 200 && !((answer.json["items"] as? [[String: Any]]) ?? []).isEmpty
        }
        let items = try #require(deliveries.json["items"] as? [[String: Any]])
        let event = try #require(items.first?["eventId"] as? String)

        return Resources(environment: [
            "ZAPGATE_TENANT_KEY": tenant.key,
            "ZAPGATE_INSTANCE_ID": instance,
            "ZAPGATE_SPARE_INSTANCE_ID": try #require(spare.json["id"] as? String),
            "ZAPGATE_MESSAGE_ID": message,
            "ZAPGATE_WEBHOOK_ID": webhooks[0],
            "ZAPGATE_SPARE_WEBHOOK_ID": webhooks[1],
            "ZAPGATE_EVENT_ID": event,
        ])
    }

    /// The end of what schemathesis printed: the failures with their curl reproductions and
    /// the summary, then its stderr.
    private static func tail(_ process: LineProcess) -> String {
        let lines = process.stdoutLines
        let shown = lines.suffix(400).joined(separator: "\n")
        let cut = lines.count > 400 ? "[\(lines.count - 400) earlier lines left out]\n" : ""
        return cut + shown + "\n--- stderr ---\n" + process.stderrText
    }
}
