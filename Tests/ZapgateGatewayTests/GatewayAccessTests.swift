import Foundation
import NIOHTTP1
import Testing
import ZapgateStoreTestSupport

/// Who may see what: every tenant endpoint answers another tenant's ids with 404 and no key
/// with 401; admin and tenant keys are kept to their own endpoints; plans' quotas, link
/// attempts per hour, idempotent create and idempotent send behave as documented.
@Suite("Gateway access and limits", .serialized)
struct GatewayAccessTests {
    @Test(arguments: TestBackend.allCases)
    func tenantIsolationMatrix(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend) { gateway in
            let owner = try await gateway.tenant("owner")
            let other = try await gateway.tenant("other")
            let instance = try await gateway.linkedInstance(owner, phoneNumber: "5511900000011")
            _ = try await gateway.linkedInstance(other, name: "theirs", phoneNumber: "5511900000012")
            let message = try await gateway.send(
                owner, instance, ["to": "5511900000012", "type": "text", "text": "hi"])
            try await gateway.waitForStatus(owner, instance, message, "sent")
            let base = "/v1/instances/\(instance)"
            let endpoints: [(HTTPMethodName, String, [String: Any]?)] = [
                (.get, base, nil),
                (.delete, base, nil),
                (.post, base + "/connect", nil),
                (.get, base + "/qr", nil),
                (.post, base + "/pairing-code", ["phoneNumber": "5511900000099"]),
                (.post, base + "/logout", nil),
                (.post, base + "/restart", nil),
                (.get, base + "/messages", nil),
                (.post, base + "/messages", ["to": "5511900000012", "type": "text", "text": "x"]),
                (.post, base + "/media", nil),
                (.get, base + "/messages/\(message)", nil),
                (.get, base + "/messages/\(message)/media", nil),
                (.post, base + "/messages/\(message)/read", nil),
            ]
            for (method, path, json) in endpoints {
                let body: Data? = path.hasSuffix("/media") && method == .post ? Data("x".utf8) : nil
                let headers = body == nil ? [:] : ["Content-Type": "image/png"]
                let foreign = try await gateway.call(
                    method.nio, path, key: other.key, json: json, body: body, headers: headers)
                #expect(
                    foreign.status == 404 && foreign.problem == "not-found",
                    "\(method) \(path) as another tenant: \(foreign.status)")
                let anonymous = try await gateway.call(
                    method.nio, path, json: json, body: body, headers: headers)
                #expect(
                    anonymous.status == 401 && anonymous.problem == "unauthorized",
                    "\(method) \(path) without a key: \(anonymous.status)")
                let wrongKey = try await gateway.call(
                    method.nio, path, key: "zgt_nope", json: json, body: body, headers: headers)
                #expect(wrongKey.status == 401, "\(method) \(path) with an unknown key: \(wrongKey.status)")
                let admin = try await gateway.call(
                    method.nio, path, key: GatewayHarness.adminKey, json: json, body: body, headers: headers)
                #expect(
                    admin.status == 403 && admin.problem == "forbidden",
                    "\(method) \(path) with the admin key: \(admin.status)")
            }
            // The instance survived all of that, still connected, with its message.
            let still = try await gateway.call(.GET, base, key: owner.key)
            #expect(still.json["status"] as? String == "connected")
            // Listing shows each tenant only its own.
            let listed = try await gateway.call(.GET, "/v1/instances", key: other.key)
            let names = (listed.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["theirs"])
            // Admin endpoints refuse tenant keys.
            let tenants = try await gateway.call(.GET, "/v1/tenants", key: owner.key)
            #expect(tenants.status == 403)
            let revoked = try await gateway.call(
                .GET, "/v1/tenants/\(owner.id)/keys", key: GatewayHarness.adminKey)
            let keyID = try #require((revoked.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let revoke = try await gateway.call(
                .DELETE, "/v1/tenants/\(owner.id)/keys/\(keyID)", key: GatewayHarness.adminKey)
            #expect(revoke.status == 204)
            let afterRevoke = try await gateway.call(.GET, base, key: owner.key)
            #expect(afterRevoke.status == 401)
            // Deleting a tenant takes its keys and instances with it.
            let deleted = try await gateway.call(
                .DELETE, "/v1/tenants/\(other.id)", key: GatewayHarness.adminKey)
            #expect(deleted.status == 204)
            #expect(try await gateway.call(.GET, "/v1/instances", key: other.key).status == 401)
            #expect(
                try await gateway.call(.GET, "/v1/tenants/\(other.id)", key: GatewayHarness.adminKey).status
                    == 404)
        }
    }

    @Test(arguments: TestBackend.allCases)
    func quotasAttemptsAndIdempotency(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend) { gateway in
            let plan = try await gateway.call(
                .PUT, "/v1/plans/tiny", key: GatewayHarness.adminKey,
                json: ["maxInstances": 2, "linkAttemptsPerHour": 2])
            #expect(plan.status == 200 || plan.status == 201)
            let tenant = try await gateway.tenant("small", plan: "tiny")
            // Idempotent create: the same name twice is one instance, the second marked existing.
            let first = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "desk"])
            let again = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "desk"])
            #expect(first.status == 201 && again.status == 200)
            #expect(first.json["id"] as? String == again.json["id"] as? String)
            #expect(again.json["existing"] as? Bool == true)
            // The quota: a second instance fits, a third does not.
            let second = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "front"])
            #expect(second.status == 201)
            let third = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "back"])
            #expect(third.status == 403 && third.problem == "quota-exceeded")
            // Link attempts per hour: two connects of an unlinked instance, then 429 with Retry-After.
            let id = try #require(first.json["id"] as? String)
            #expect(
                try await gateway.call(.POST, "/v1/instances/\(id)/connect", key: tenant.key).status == 202)
            #expect(
                try await gateway.call(.POST, "/v1/instances/\(id)/restart", key: tenant.key).status == 202)
            let limited = try await gateway.call(.POST, "/v1/instances/\(id)/restart", key: tenant.key)
            #expect(limited.status == 429 && limited.problem == "rate-limited")
            #expect(limited.headers.first(name: "retry-after").flatMap(Int.init) ?? 0 > 0)
            // Bad input is named.
            let badName = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, json: ["name": "no spaces"])
            #expect(badName.status == 400 && badName.problem == "validation-failed")
            let notJSON = try await gateway.call(
                .POST, "/v1/instances", key: tenant.key, body: Data("{".utf8),
                headers: ["Content-Type": "application/json"])
            #expect(notJSON.status == 400 && notJSON.problem == "malformed-body")

            // Idempotent send on a linked instance of another tenant.
            let sender = try await gateway.tenant("sender")
            let instance = try await gateway.linkedInstance(sender, phoneNumber: "5511900000021")
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": "5511900000022"])
            let body: [String: Any] = ["to": "5511900000022", "type": "text", "text": "once"]
            let sent = try await gateway.send(sender, instance, body, idempotencyKey: "order-42")
            let repeated = try await gateway.call(
                .POST, "/v1/instances/\(instance)/messages", key: sender.key, json: body,
                headers: ["Idempotency-Key": "order-42"])
            #expect(repeated.status == 200 && repeated.json["id"] as? String == sent)
            let changed = try await gateway.call(
                .POST, "/v1/instances/\(instance)/messages", key: sender.key,
                json: ["to": "5511900000022", "type": "text", "text": "twice"],
                headers: ["Idempotency-Key": "order-42"])
            #expect(changed.status == 409 && changed.problem == "idempotency-conflict")
            try await gateway.waitForStatus(sender, instance, sent, "delivered")
            let inbox = try await gateway.call(.GET, "/sandbox/phones/5511900000022/messages")
            let texts = (inbox.json["items"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(texts == ["once"])
        }
    }
}

/// The methods the matrix uses, with names that read well in failure messages.
enum HTTPMethodName: String, CustomStringConvertible {
    case get = "GET"
    case post = "POST"
    case delete = "DELETE"
    var description: String { rawValue }
    var nio: NIOHTTP1.HTTPMethod {
        switch self {
        case .get: .GET
        case .post: .POST
        case .delete: .DELETE
        }
    }
}
