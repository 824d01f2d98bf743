import Foundation
import Testing
import ZapgateGateway
import ZapgateStoreTestSupport

/// Managing subscriptions: create, list, get, update (rotating the secret), delete, the test
/// ping, and every refusal.
@Suite("Gateway webhook API", .serialized)
struct GatewayWebhookAPITests {
    @Test(arguments: TestBackend.allCases)
    func subscriptionsAreManagedAndTargetsChecked(_ backend: TestBackend) async throws {
        // The default settings: no loopback or private targets.
        try await GatewayHarness.with(backend, webhooks: WebhookSettings()) { gateway in
            let tenant = try await gateway.tenant("shop")
            let other = try await gateway.tenant("other")
            let refused = [
                "http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook",
                "http://172.20.0.1/hook", "http://169.254.169.254/latest", "http://[::1]/hook",
                "http://[fd00::1]/hook", "http://localhost/hook", "http://printer.local/hook",
                "http://[::ffff:127.0.0.1]/hook", "http://100.64.0.1/", "ftp://example.com/hook", "not a url",
                "http://user:secret@example.com/hook", "https:///nohost", "http://2130706433/",
                "http://127.1/",
                "http://0x7f.0.0.1/", "http://0/", "http://localhost./", "http://[fe80::1%25eth0]/",
                "http://[::127.0.0.1]/", "http://[::]/",
            ]
            for url in refused {
                let answer = try await gateway.call(
                    .POST, "/v1/webhooks", key: tenant.key, json: ["url": url])
                #expect(answer.status == 400, "\(url): \(answer.status)")
                #expect(answer.problem == "validation-failed")
                #expect(answer.json["field"] as? String == "/url", "\(url)")
            }
            // None of them was stored, so nothing can ever dial one (this test makes no instance,
            // hence no events, either): the addresses above are only ever parsed.
            let storedAfterRefusals = try await gateway.call(.GET, "/v1/webhooks", key: tenant.key)
            #expect((storedAfterRefusals.json["items"] as? [[String: Any]])?.isEmpty == true)
            let badFilter = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": "https://hooks.example.com/in", "events": ["message.recieved"]])
            #expect(badFilter.status == 400)
            #expect(badFilter.json["field"] as? String == "/events")
            let badSecret = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": "https://hooks.example.com/in", "secret": "whsec_c2hvcnQ="])
            #expect(badSecret.status == 400)
            #expect(badSecret.json["field"] as? String == "/secret")
            let unknownInstance = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": "https://hooks.example.com/in", "instanceId": UUID().uuidString])
            #expect(unknownInstance.status == 404)
            let noTypes = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: ["url": "https://hooks.example.com/in", "events": []])
            #expect(noTypes.status == 400)
            #expect(noTypes.json["field"] as? String == "/events")

            let created = try await gateway.call(
                .POST, "/v1/webhooks", key: tenant.key,
                json: [
                    "url": "https://hooks.example.com/in", "events": ["message.*", "instance.status"],
                    "description": "CRM",
                ])
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            let secret = try #require(created.json["secret"] as? String)
            #expect(
                secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            #expect(created.json["events"] as? [String] == ["message.*", "instance.status"])
            #expect(created.json["enabled"] as? Bool == true)

            let own = try await gateway.call(.GET, "/v1/webhooks/\(id)", key: tenant.key)
            #expect(own.status == 200)
            #expect(own.json["secret"] == nil, "the secret is shown once")
            #expect(try await gateway.call(.GET, "/v1/webhooks/\(id)", key: other.key).status == 404)
            #expect(try await gateway.call(.DELETE, "/v1/webhooks/\(id)", key: other.key).status == 404)
            let listed = try await gateway.call(.GET, "/v1/webhooks", key: tenant.key)
            #expect((listed.json["items"] as? [[String: Any]])?.count == 1)
            let othersList = try await gateway.call(.GET, "/v1/webhooks", key: other.key)
            #expect((othersList.json["items"] as? [[String: Any]])?.isEmpty == true)

            let updated = try await gateway.call(
                .PATCH, "/v1/webhooks/\(id)", key: tenant.key,
                json: ["enabled": false, "rotateSecret": true, "events": ["*"]])
            #expect(updated.status == 200)
            #expect(updated.json["enabled"] as? Bool == false)
            let rotated = try #require(updated.json["secret"] as? String)
            #expect(rotated != secret)
            let privateURL = try await gateway.call(
                .PATCH, "/v1/webhooks/\(id)", key: tenant.key, json: ["url": "http://127.0.0.1/x"])
            #expect(privateURL.status == 400)

            #expect(try await gateway.call(.DELETE, "/v1/webhooks/\(id)", key: tenant.key).status == 204)
            #expect(try await gateway.call(.GET, "/v1/webhooks/\(id)", key: tenant.key).status == 404)
            #expect(try await gateway.call(.GET, "/v1/webhooks", key: nil).status == 401)
            #expect(try await gateway.call(.GET, "/v1/webhooks", key: GatewayHarness.adminKey).status == 403)
        }
    }

    /// The test ping reaches the receiver signed, and says what it answered.
    @Test(arguments: TestBackend.allCases)
    func testPingIsSignedAndReported(_ backend: TestBackend) async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("ping")
            let hook = try await gateway.webhook(tenant, to: receiver)
            let ping = try await gateway.call(.POST, "/v1/webhooks/\(hook.id)/test", key: tenant.key)
            #expect(ping.status == 200)
            #expect(ping.json["delivered"] as? Bool == true)
            #expect(ping.json["statusCode"] as? Int == 200)
            let request = try #require(receiver.requests.last)
            #expect(request.signatureValid)
            #expect(request.eventType == "webhook.test")
            receiver.behave(.fail(status: 500))
            let failed = try await gateway.call(.POST, "/v1/webhooks/\(hook.id)/test", key: tenant.key)
            #expect(failed.json["delivered"] as? Bool == false)
            #expect(failed.json["statusCode"] as? Int == 500)
            await receiver.stop()
            let down = try await gateway.call(.POST, "/v1/webhooks/\(hook.id)/test", key: tenant.key)
            #expect(down.json["delivered"] as? Bool == false)
            #expect(down.json["statusCode"] == nil)
            #expect(down.json["error"] as? String == "connection refused")
        }
    }

    /// A tenant may have so many webhooks; the next is refused until one is deleted, and
    /// another tenant's count is its own.
    @Test(arguments: TestBackend.allCases)
    func webhooksPerTenantAreCapped(_ backend: TestBackend) async throws {
        var settings = WebhookSettings.testing
        settings.webhooksPerTenant = 2
        try await GatewayHarness.with(backend, webhooks: settings) { gateway in
            let tenant = try await gateway.tenant("capped")
            let other = try await gateway.tenant("uncapped")
            let target = ["url": "http://127.0.0.1:9/hook"]
            var ids: [String] = []
            for _ in 0..<2 {
                let created = try await gateway.call(.POST, "/v1/webhooks", key: tenant.key, json: target)
                #expect(created.status == 201)
                ids += [created.json["id"] as? String].compactMap { $0 }
            }
            let third = try await gateway.call(.POST, "/v1/webhooks", key: tenant.key, json: target)
            #expect(third.status == 403 && third.problem == "quota-exceeded")
            #expect(third.json["detail"] as? String == "A tenant may have 2 webhooks; delete one first.")
            let listed = try await gateway.call(.GET, "/v1/webhooks", key: tenant.key)
            #expect((listed.json["items"] as? [[String: Any]])?.count == 2)
            #expect(try await gateway.call(.POST, "/v1/webhooks", key: other.key, json: target).status == 201)
            let first = try #require(ids.first)
            #expect(try await gateway.call(.DELETE, "/v1/webhooks/\(first)", key: tenant.key).status == 204)
            #expect(
                try await gateway.call(.POST, "/v1/webhooks", key: tenant.key, json: target).status == 201)
        }
    }
}
