import Foundation
import Testing
import ZapgateStoreTestSupport

/// The flow that must always work, over real HTTP with the sandbox behind: two tenants link
/// their instances by QR code and message each other in every kind; statuses reach read.
@Suite("Gateway flow", .serialized)
struct GatewayFlowTests {
    static let alicePhone = "5511900000001"
    static let bobPhone = "5511900000002"

    @Test(arguments: TestBackend.allCases)
    func twoTenantsMessageEachOtherInEveryKind(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend) { gateway in
            let alice = try await gateway.tenant("alice-clinic")
            let bob = try await gateway.tenant("bob-barber")
            let aliceInstance = try await gateway.linkedInstance(alice, phoneNumber: Self.alicePhone)
            let bobInstance = try await gateway.linkedInstance(bob, phoneNumber: Self.bobPhone)

            // Text, both ways; Bob reads Alice's, Alice sees it read.
            let hello = try await gateway.send(
                alice, aliceInstance, ["to": Self.bobPhone, "type": "text", "text": "hello bob"])
            let received = try await gateway.waitForInbound(bob, bobInstance, id: hello)
            #expect(received["text"] as? String == "hello bob")
            #expect(received["type"] as? String == "text")
            let read = try await gateway.call(
                .POST, "/v1/instances/\(bobInstance)/messages/\(hello)/read", key: bob.key)
            #expect(read.status == 204)
            try await gateway.waitForStatus(alice, aliceInstance, hello, "read")

            let answer = try await gateway.send(
                bob, bobInstance,
                ["to": Self.alicePhone, "type": "text", "text": "hi alice", "quote": ["messageId": hello]])
            let reply = try await gateway.waitForInbound(alice, aliceInstance, id: answer)
            #expect(reply["quotedMessageId"] as? String == hello)

            // Media by base64, by upload; every other kind.
            let image = Data((0..<3_000).map { UInt8($0 % 251) })
            let upload = try await gateway.call(
                .POST, "/v1/instances/\(aliceInstance)/media?fileName=notes.pdf", key: alice.key,
                body: Data("%PDF-1.4 test".utf8),
                headers: ["Content-Type": "application/pdf"])
            #expect(upload.status == 201)
            let uploadID = try #require(upload.json["uploadId"] as? String)
            let base64 = ["base64": image.base64EncodedString(), "mimetype": "image/jpeg"]
            let kinds: [(String, [String: Any])] = [
                ("image", ["type": "image", "media": base64, "caption": "the shop"]),
                (
                    "video",
                    [
                        "type": "video",
                        "media": ["base64": image.base64EncodedString(), "mimetype": "video/mp4"],
                    ]
                ),
                (
                    "voice_note",
                    [
                        "type": "audio", "voiceNote": true,
                        "media": [
                            "base64": image.base64EncodedString(), "mimetype": "audio/ogg; codecs=opus",
                        ],
                    ]
                ),
                ("document", ["type": "document", "fileName": "notes.pdf", "media": ["uploadId": uploadID]]),
                // A URL the gateway fetches when it sends: its own spec, over loopback.
                (
                    "document",
                    [
                        "type": "document", "fileName": "openapi.yaml",
                        "media": ["url": "http://127.0.0.1:\(gateway.port)/openapi.yaml"],
                    ]
                ),
                (
                    "sticker",
                    [
                        "type": "sticker",
                        "media": ["base64": image.base64EncodedString(), "mimetype": "image/webp"],
                    ]
                ),
                ("location", ["type": "location", "latitude": -23.55, "longitude": -46.63, "name": "Shop"]),
                (
                    "contact",
                    [
                        "type": "contact", "displayName": "Ana",
                        "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nEND:VCARD",
                    ]
                ),
                ("reaction", ["type": "reaction", "messageId": answer, "emoji": "👍"]),
                ("edit", ["type": "edit", "messageId": hello, "text": "hello, bob"]),
                ("revoke", ["type": "revoke", "messageId": hello]),
            ]
            for (kind, body) in kinds {
                var request = body
                request["to"] = Self.bobPhone
                let id = try await gateway.send(alice, aliceInstance, request)
                let inbound = try await gateway.waitForInbound(bob, bobInstance, id: id)
                #expect(
                    inbound["type"] as? String == kind, "\(kind) arrived as \(inbound["type"] ?? "nothing")")
                try await gateway.waitForStatus(alice, aliceInstance, id, "delivered")
                if kind == "document",
                    inbound["content"].flatMap({ ($0 as? [String: Any])?["fileName"] }) as? String
                        == "openapi.yaml"
                {
                    let media = try await gateway.call(
                        .GET, "/v1/instances/\(bobInstance)/messages/\(id)/media", key: bob.key)
                    #expect(String(decoding: media.body, as: UTF8.self).hasPrefix("openapi: 3.1.0"))
                    #expect(
                        media.headers.first(name: "content-disposition")?.contains("openapi.yaml") == true)
                }
                if kind == "image" {
                    #expect(inbound["text"] as? String == "the shop")
                    let media = try await gateway.call(
                        .GET, "/v1/instances/\(bobInstance)/messages/\(id)/media", key: bob.key)
                    #expect(media.status == 200)
                    #expect(media.body == image)
                    #expect(media.headers.first(name: "content-type") == "image/jpeg")
                }
            }

            // Listing with a cursor walks every message once.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path =
                    "/v1/instances/\(bobInstance)/messages?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await gateway.call(.GET, path, key: bob.key)
                #expect(page.status == 200)
                let items = page.json["items"] as? [[String: Any]] ?? []
                seen += items.compactMap { $0["id"] as? String }
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            #expect(seen.count == Set(seen).count)
            #expect(seen.count == 13, "bob has \(seen.count) messages")

            // A URL that cannot be fetched fails the message, with the reason.
            let broken = try await gateway.send(
                alice, aliceInstance,
                [
                    "to": Self.bobPhone, "type": "image",
                    "media": [
                        "url": "http://127.0.0.1:\(gateway.port)/no-such-file", "mimetype": "image/png",
                    ],
                ])
            let failed = try await gateway.waitFor(
                "/v1/instances/\(aliceInstance)/messages/\(broken)", key: alice.key, "the broken URL failing"
            ) { $0.json["status"] as? String == "failed" }
            #expect((failed.json["failureReason"] as? String)?.contains("404") == true)
        }
    }

    /// By default a media URL may not point inside the gateway's network: the message fails,
    /// saying why, and nothing is fetched.
    @Test(arguments: TestBackend.allCases)
    func mediaURLsInsideTheNetworkAreRefused(_ backend: TestBackend) async throws {
        try await GatewayHarness.with(backend, allowPrivateMediaURLs: false) { gateway in
            let alice = try await gateway.tenant("alice-clinic")
            let instance = try await gateway.linkedInstance(alice, phoneNumber: Self.alicePhone)
            _ = try await gateway.call(.POST, "/sandbox/phones", json: ["phoneNumber": Self.bobPhone])
            let sent = try await gateway.send(
                alice, instance,
                [
                    "to": Self.bobPhone, "type": "document", "fileName": "openapi.yaml",
                    "media": ["url": "http://127.0.0.1:\(gateway.port)/openapi.yaml"],
                ])
            let failed = try await gateway.waitFor(
                "/v1/instances/\(instance)/messages/\(sent)", key: alice.key, "the private URL refused"
            ) { $0.json["status"] as? String == "failed" }
            let reason = failed.json["failureReason"] as? String ?? ""
            #expect(
                reason.contains("refused") && reason.contains("loopback, private or reserved"), "\(reason)")
        }
    }
}
