import Foundation
import Testing
import ZapgateProtocol
import ZapgateWire

/// The media connection stanza and the media URLs, in the shapes whatsmeow and Baileys use.
@Suite struct MediaFormatTests {
    @Test func mediaConnectionRequestAndAnswerRoundTrip() throws {
        let request = MediaConnection.request(id: "7")
        #expect(MediaConnection.isRequest(request))
        #expect(request.attributes["xmlns"] == "w:m" && request.attributes["type"] == "set")
        #expect(request.children.map(\.tag) == ["media_conn"])

        let connection = MediaConnection(
            auth: "AUTH-token", ttl: 300, authTTL: 21600, maxBuckets: 12,
            hosts: [
                .init(hostname: "127.0.0.1:8080", maximumContentLength: 1 << 20),
                .init(hostname: "mmg.invalid"),
            ])
        let answer = request.iqResult(children: [connection.node], from: true)
        // Through the binary codec, as it travels.
        let decoded = try BinaryNode(decoding: try answer.encoded())
        #expect(try MediaConnection(answer: decoded) == connection)
        #expect(try MediaConnection(answer: connection.node) == connection)
    }

    @Test func mediaConnectionAnswersMissingWhatClientsNeedAreRefused() {
        func answer(_ attributes: BinaryNode.Attributes, hosts: [BinaryNode]) -> BinaryNode {
            BinaryNode(
                tag: "iq", attributes: ["type": "result"],
                children: [BinaryNode(tag: "media_conn", attributes: attributes, children: hosts)])
        }
        let host = BinaryNode(tag: "host", attributes: ["hostname": "mmg.invalid"])
        #expect(throws: ProtocolError.self) {
            try MediaConnection(answer: answer(["ttl": "1"], hosts: [host]))
        }
        #expect(throws: ProtocolError.self) {
            try MediaConnection(answer: answer(["auth": "a"], hosts: [host]))
        }
        #expect(throws: ProtocolError.self) {
            try MediaConnection(answer: answer(["auth": "a", "ttl": "x"], hosts: [host]))
        }
        #expect(throws: ProtocolError.malformed("<media_conn> names no host")) {
            try MediaConnection(answer: answer(["auth": "a", "ttl": "5"], hosts: []))
        }
        #expect(throws: ProtocolError.self) {
            try MediaConnection(
                answer: answer(
                    ["auth": "a", "ttl": "5"],
                    hosts: [BinaryNode(tag: "host", attributes: ["hostname": "a/b"])]))
        }
        #expect(throws: ProtocolError.self) { try MediaConnection(answer: BinaryNode(tag: "iq")) }
        // Optional attributes may be missing.
        let minimal = try? MediaConnection(answer: answer(["auth": "a", "ttl": "5"], hosts: [host]))
        #expect(minimal?.authTTL == nil && minimal?.maxBuckets == nil && minimal?.hosts.count == 1)
    }

    @Test func tokensAreBase64URLWithOrWithoutPadding() {
        let hash = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) })
        let padded = MediaEndpoint.token(for: hash)
        let unpadded = MediaEndpoint.token(for: hash, padded: false)
        #expect(padded.hasSuffix("=") && padded.count == 44 && unpadded.count == 43)
        #expect(!padded.contains("+") && !padded.contains("/"))
        #expect(MediaEndpoint.hash(fromToken: padded) == hash)
        #expect(MediaEndpoint.hash(fromToken: unpadded) == hash)
        #expect(MediaEndpoint.hash(fromToken: unpadded + "%3D") == hash)
        #expect(MediaEndpoint.hash(fromToken: "a=b") == nil)
        #expect(MediaEndpoint.hash(fromToken: "ab+/") == nil)
        #expect(MediaEndpoint.hash(fromToken: "é") == nil)
    }

    @Test func uploadAndDownloadURLs() {
        let hash = Data(repeating: 0xFB, count: 32)
        let token = MediaEndpoint.token(for: hash)
        let upload = MediaEndpoint.uploadURL(
            scheme: "https", host: "mmg.invalid", kind: .sticker, fileEncSHA256: hash, auth: "a+b/c=")
        #expect(
            upload
                == "https://mmg.invalid/mms/image/\(token)?auth=a%2Bb%2Fc%3D&token=\(token.replacingOccurrences(of: "=", with: "%3D"))"
        )
        #expect(
            MediaEndpoint.uploadPath(kind: .history, fileEncSHA256: hash, paddedToken: false)
                == "/mms/md-msg-hist/" + MediaEndpoint.token(for: hash, padded: false))

        let withQuery = MediaEndpoint.downloadURL(
            scheme: "http", host: "127.0.0.1:9", directPath: "/v/t62/x.enc?ccb=11-4", kind: .voiceNote,
            fileEncSHA256: hash)
        #expect(withQuery.hasPrefix("http://127.0.0.1:9/v/t62/x.enc?ccb=11-4&hash="))
        #expect(withQuery.hasSuffix("&mms-type=audio&__wa-mms="))
        let withoutQuery = MediaEndpoint.downloadURL(
            scheme: "http", host: "h.invalid", directPath: "/x.enc", kind: .document, fileEncSHA256: hash)
        #expect(withoutQuery.hasPrefix("http://h.invalid/x.enc?hash="))
    }

    @Test func uploadAnswerJSON() throws {
        let json = Data(
            #"{"url":"https://mmg.invalid/v/x.enc?a=1","direct_path":"/v/x.enc?a=1","handle":"h","extra":1}"#
                .utf8)
        let answer = try JSONDecoder().decode(MediaUploadResponse.self, from: json)
        #expect(
            answer
                == MediaUploadResponse(
                    url: "https://mmg.invalid/v/x.enc?a=1", directPath: "/v/x.enc?a=1", handle: "h"))
        let encoded =
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(answer)) as? [String: String]
        #expect(encoded?["direct_path"] == "/v/x.enc?a=1")
    }
}
