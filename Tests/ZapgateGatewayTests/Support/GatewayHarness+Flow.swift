import Foundation
import Testing

/// A tenant as the admin made it: its id and one API key.
struct TestTenant: Sendable {
    var id: String
    var key: String
}

extension GatewayHarness {
    /// A tenant on `plan` with one API key.
    func tenant(_ name: String, plan: String = "business") async throws -> TestTenant {
        let created = try await call(
            .POST, "/v1/tenants", key: Self.adminKey, json: ["name": name, "plan": plan])
        try #require(
            created.status == 201,
            "create tenant: \(created.status) \(String(decoding: created.body, as: UTF8.self))")
        let id = try #require(created.json["id"] as? String)
        let key = try await call(.POST, "/v1/tenants/\(id)/keys", key: Self.adminKey, json: ["name": "main"])
        try #require(key.status == 201)
        return TestTenant(id: id, key: try #require(key.json["key"] as? String))
    }

    /// Creates an instance for `tenant`, links it to the sandbox phone `phoneNumber` by QR code
    /// and waits until it is connected; returns its id.
    func linkedInstance(_ tenant: TestTenant, name: String = "main", phoneNumber: String) async throws
        -> String
    {
        let created = try await call(
            .POST, "/v1/instances", key: tenant.key, json: ["name": name, "connect": true])
        try #require(created.status == 201, "create instance: \(created.status)")
        let id = try #require(created.json["id"] as? String)
        let phone = try await call(.POST, "/sandbox/phones", json: ["phoneNumber": phoneNumber])
        try #require(phone.status == 201)
        let qr = try await waitFor("/v1/instances/\(id)/qr", key: tenant.key, "a QR code") {
            $0.status == 200
        }
        let code = try #require(qr.json["code"] as? String)
        let scan = try await call(.POST, "/sandbox/phones/\(phoneNumber)/scan", json: ["qr": code])
        try #require(scan.status == 200, "scan: \(scan.status)")
        try await waitFor("/v1/instances/\(id)", key: tenant.key, "the instance connected") {
            $0.json["status"] as? String == "connected"
        }
        return id
    }

    /// Sends a message through the API and returns its id (the answer must be 202 queued).
    func send(_ tenant: TestTenant, _ instance: String, _ body: [String: Any], idempotencyKey: String? = nil)
        async throws -> String
    {
        let answer = try await call(
            .POST, "/v1/instances/\(instance)/messages", key: tenant.key, json: body,
            headers: idempotencyKey.map { ["Idempotency-Key": $0] } ?? [:])
        try #require(
            answer.status == 202,
            "send \(body["type"] ?? ""): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        #expect(answer.json["status"] as? String == "queued")
        return try #require(answer.json["id"] as? String)
    }

    /// Waits until the message reaches `status` (or a later one).
    func waitForStatus(_ tenant: TestTenant, _ instance: String, _ id: String, _ status: String) async throws
    {
        let order = ["queued", "sent", "delivered", "read", "played"]
        let wanted = order.firstIndex(of: status) ?? 0
        try await waitFor("/v1/instances/\(instance)/messages/\(id)", key: tenant.key, "\(id) \(status)") {
            guard let current = $0.json["status"] as? String, let rank = order.firstIndex(of: current) else {
                return false
            }
            return rank >= wanted
        }
    }

    /// Waits until the instance has received the message `id` and returns it.
    func waitForInbound(_ tenant: TestTenant, _ instance: String, id: String) async throws -> [String: Any] {
        try await waitFor("/v1/instances/\(instance)/messages/\(id)", key: tenant.key, "inbound \(id)") {
            $0.status == 200 && $0.json["direction"] as? String == "inbound"
        }.json
    }
}
