import Foundation
import Testing
import ZapgateStoreTestSupport

/// An instance's life over HTTP: linking by pairing code, the QR code in every format, logout,
/// delete; a restart of the whole gateway that brings the instance back without a scan; the
/// operations endpoints.
@Suite("Gateway lifecycle", .serialized)
struct GatewayLifecycleTests {
    @Test(arguments: TestBackend.allCases)
    func pairingCodeQRFormatsLogoutAndDelete(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend) { gateway in
            let tenant = try await gateway.tenant("clinic")
            let created = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "front-desk"])
            let id = try #require(created.json["id"] as? String)
            let noQR = try await gateway.call(.GET, "/v1/instances/\(id)/qr", key: tenant.key)
            #expect(noQR.status == 409 && noQR.problem == "no-qr")

            // Linking by pairing code: the sandbox phone types it.
            let phone = "5511900000031"
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": phone])
            let badNumber = try await gateway.call(
                .POST, "/v1/instances/\(id)/pairing-code", key: tenant.key, json: ["phoneNumber": "12ab"])
            #expect(badNumber.status == 400 && badNumber.json["field"] as? String == "/phoneNumber")
            let pairing = try await gateway.call(
                .POST, "/v1/instances/\(id)/pairing-code", key: tenant.key, json: ["phoneNumber": "+" + phone]
            )
            #expect(pairing.status == 200)
            let code = try #require(pairing.json["code"] as? String)
            #expect(code.count == 9 && code.dropFirst(4).first == "-")
            let typed = try await gateway.call(.POST, "/sandbox/phones/\(phone)/pair", json: ["code": code])
            #expect(typed.status == 200)
            let connected = try await gateway.waitFor("/v1/instances/\(id)", key: tenant.key, "connected") {
                $0.json["status"] as? String == "connected"
            }
            #expect(connected.json["phoneNumber"] as? String == phone)
            #expect((connected.json["lid"] as? String)?.hasSuffix("@lid") == true)
            let again = try await gateway.call(
                .POST, "/v1/instances/\(id)/pairing-code", key: tenant.key, json: ["phoneNumber": phone])
            #expect(again.status == 409 && again.problem == "already-linked")

            // Logout unlinks it from the phone and wipes the credentials.
            let logout = try await gateway.call(.POST, "/v1/instances/\(id)/logout", key: tenant.key)
            #expect(logout.status == 200)
            let loggedOut = try await gateway.waitFor("/v1/instances/\(id)", key: tenant.key, "logged out") {
                $0.json["status"] as? String == "logged_out"
            }
            #expect(loggedOut.json["jid"] == nil && loggedOut.json["desiredState"] as? String == "stopped")
            #expect((loggedOut.json["lastError"] as? [String: Any])?["code"] as? String == "logged_out")
            let phones = try await gateway.call(.GET, "/sandbox/phones")
            let entry = (phones.json["items"] as? [[String: Any]])?.first {
                $0["phoneNumber"] as? String == phone
            }
            #expect((entry?["linkedDevices"] as? [String])?.isEmpty == true)
            let sendUnlinked = try await gateway.call(
                .POST, "/v1/instances/\(id)/messages", key: tenant.key,
                json: ["to": "5511900000032", "type": "text", "text": "x"])
            #expect(sendUnlinked.status == 409 && sendUnlinked.problem == "not-linked")

            // Linking again shows a QR code, in each format.
            #expect(
                try await gateway.call(.POST, "/v1/instances/\(id)/connect", key: tenant.key).status == 202)
            let json = try await gateway.waitFor("/v1/instances/\(id)/qr", key: tenant.key, "a QR code") {
                $0.status == 200
            }
            #expect((json.json["pngDataUrl"] as? String)?.hasPrefix("data:image/png;base64,") == true)
            #expect(json.headers.first(name: "cache-control") == "no-store")
            let png = try await gateway.call(
                .GET, "/v1/instances/\(id)/qr", key: tenant.key, headers: ["Accept": "image/png"])
            #expect(png.body.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            let svg = try await gateway.call(
                .GET, "/v1/instances/\(id)/qr", key: tenant.key, headers: ["Accept": "image/svg+xml"])
            #expect(String(decoding: svg.body, as: UTF8.self).contains("<svg"))
            let text = try await gateway.call(
                .GET, "/v1/instances/\(id)/qr", key: tenant.key, headers: ["Accept": "text/plain"])
            #expect(String(decoding: text.body, as: UTF8.self).contains("█"))
            let xml = try await gateway.call(
                .GET, "/v1/instances/\(id)/qr", key: tenant.key, headers: ["Accept": "application/xml"])
            #expect(xml.status == 406)

            // Delete stops it and forgets it.
            #expect(try await gateway.call(.DELETE, "/v1/instances/\(id)", key: tenant.key).status == 204)
            #expect(try await gateway.call(.GET, "/v1/instances/\(id)", key: tenant.key).status == 404)
            let list = try await gateway.call(.GET, "/v1/instances", key: tenant.key)
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aRestartBringsInstancesBackWithoutAScan(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zg-gw-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            var gateway = try await GatewayHarness.start(location: location, dataDirectory: folder.path)
            let tenant = try await gateway.tenant("bakery")
            let id = try await gateway.linkedInstance(tenant, phoneNumber: "5511900000041")
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": "5511900000042"])
            let before = try await gateway.send(
                tenant, id, ["to": "5511900000042", "type": "text", "text": "before"])
            try await gateway.waitForStatus(tenant, id, before, "delivered")
            await gateway.stop()

            gateway = try await GatewayHarness.start(location: location, dataDirectory: folder.path)
            let ready = try await gateway.waitFor("/ready", key: nil, "ready") { $0.status == 200 }
            #expect(ready.json["status"] as? String == "ready")
            try await gateway.waitFor("/v1/instances/\(id)", key: tenant.key, "connected again") {
                $0.json["status"] as? String == "connected"
            }
            let after = try await gateway.send(
                tenant, id, ["to": "5511900000042", "type": "text", "text": "after"])
            try await gateway.waitForStatus(tenant, id, after, "delivered")
            let earlier = try await gateway.call(
                .GET, "/v1/instances/\(id)/messages/\(before)", key: tenant.key)
            #expect(earlier.json["status"] as? String == "delivered")
            // The operations endpoints.
            let spec = try await gateway.call(.GET, "/openapi.yaml")
            #expect(String(decoding: spec.body, as: UTF8.self).hasPrefix("openapi: 3.1.0"))
            let docs = try await gateway.call(.GET, "/docs")
            #expect(
                String(decoding: docs.body, as: UTF8.self).contains("/v1/instances/{instanceId}/messages"))
            let metrics = try await gateway.call(.GET, "/metrics")
            let exposition = String(decoding: metrics.body, as: UTF8.self)
            #expect(exposition.contains("zapgate_instance_status{instance=\"\(id)\",status=\"connected\"} 1"))
            #expect(exposition.contains("zapgate_messages_sent_total{instance=\"\(id)\"} 1"))
            let unknown = try await gateway.call(.GET, "/v2/nothing")
            #expect(
                unknown.status == 404
                    && unknown.headers.first(name: "content-type") == "application/problem+json")
            await gateway.stop()
        }
    }
}
