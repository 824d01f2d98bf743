import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import ZapgateCrypto
import ZapgateProto
import ZapgateProtocol
import ZapgateSimulator
import ZapgateTestSupport

@testable import ZapgateEngine

/// The simulator's media server and the engine's uploads and downloads, over HTTP on 127.0.0.1.
@Suite(.serialized) struct MediaTransferTests {
    /// A linked, connected session whose media goes over plain HTTP to the simulator.
    struct Linked {
        let harness: SimulatorHarness
        let running: RunningSession
        var session: DeviceSession { running.session }

        func stop() async {
            await running.stop()
            await harness.stop()
        }
    }

    static func link(_ phone: String, media: SimulatorMediaConfiguration = .init()) async throws -> Linked {
        var simulatorConfiguration = SimulatorConfiguration.fast
        simulatorConfiguration.media = media
        let harness = try await SimulatorHarness.started(simulatorConfiguration)
        var configuration = harness.engineConfiguration()
        configuration.media.scheme = "http"
        configuration.media.requestTimeout = .seconds(20)
        let running = harness.startSession(configuration: configuration)
        let qr = try await running.log.first("a QR code") { $0.qrCode != nil }
        _ = try await harness.simulator.phone(phone).scan(try #require(qr.qrCode))
        _ = try await running.log.first("connected", where: \.isConnected)
        return Linked(harness: harness, running: running)
    }

    static func bytes(_ count: Int, seed: UInt64) -> Data {
        var random = SeededGenerator(seed: seed)
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) })
    }

    @Test func uploadThenDownloadGivesTheSameBytesForEveryKind() async throws {
        let linked = try await Self.link("15550007001")
        let session = linked.session
        for (index, kind) in MediaKind.allCases.enumerated() {
            let plaintext = Self.bytes([0, 1, 16, 1000, 70_001, 300_000][index % 6], seed: UInt64(index))
            let uploaded = try await session.upload(plaintext, kind: kind)
            #expect(uploaded.kind == kind && uploaded.fileLength == UInt64(plaintext.count))
            #expect(uploaded.directPath.hasPrefix("/") && uploaded.directPath.contains("?"))
            #expect(uploaded.url.hasPrefix("http://127.0.0.1:\(linked.harness.port)/"))
            #expect(uploaded.mediaKey.count == 32)
            #expect(abs(uploaded.mediaKeyTimestamp - Int64(Date().timeIntervalSince1970)) < 60)
            // The server holds only ciphertext, and exactly what the hash names.
            let stored = try #require(await linked.harness.simulator.mediaBlob(at: uploaded.directPath))
            #expect(SHA256Digest.hash(stored) == uploaded.fileEncSHA256)
            #expect(stored.count == (plaintext.count / 16 + 1) * 16 + 10)
            #expect(try await session.download(MediaReference(uploaded)) == plaintext, "\(kind)")
        }
        // One media connection served every transfer.
        let cached = try #require(await session.mediaConnections.connection)
        #expect(cached.hosts.map(\.hostname) == ["127.0.0.1:\(linked.harness.port)"])
        await linked.stop()
    }

    @Test func messagesCarryWhatTheRecipientNeeds() async throws {
        let linked = try await Self.link("15550007002")
        let session = linked.session
        let picture = Self.bytes(5000, seed: 1)

        var image = WAImageMessage()
        image.mimetype = "image/jpeg"
        try await session.upload(picture, kind: .image).fill(&image)
        let sentImage = try WAImageMessage(serializedBytes: try image.serializedData())
        #expect(try await session.download(MediaReference(sentImage)) == picture)

        var video = WAVideoMessage()
        try await session.upload(picture, kind: .gif).fill(&video)
        #expect(video.gifPlayback && MediaReference(video).kind == .gif)
        #expect(try await session.download(MediaReference(video)) == picture)

        var audio = WAAudioMessage()
        try await session.upload(picture, kind: .voiceNote).fill(&audio)
        #expect(audio.ptt && MediaReference(audio).kind == .voiceNote)
        #expect(try await session.download(MediaReference(audio)) == picture)

        var document = WADocumentMessage()
        try await session.upload(Data(), kind: .document).fill(&document)
        #expect(document.fileLength == 0)
        #expect(try await session.download(MediaReference(document)) == Data())

        var sticker = WAStickerMessage()
        try await session.upload(picture, kind: .sticker).fill(&sticker)
        #expect(try await session.download(MediaReference(sticker)) == picture)

        // Without a direct path, the URL's path and query stand in (as Baileys allows).
        var urlOnly = sentImage
        urlOnly.clearDirectPath()
        #expect(MediaReference(urlOnly).directPath.hasPrefix(sentImage.directPath))
        #expect(try await session.download(MediaReference(urlOnly)) == picture)
        await linked.stop()
    }

    @Test func aTamperedStoredBlobDownloadsAsATypedError() async throws {
        let linked = try await Self.link("15550007003")
        let session = linked.session
        let plaintext = Self.bytes(4096, seed: 3)
        let uploaded = try await session.upload(plaintext, kind: .video)
        let simulator = linked.harness.simulator

        try await simulator.tamperWithMedia(at: uploaded.directPath) { $0[100] ^= 0x04 }
        await #expect(throws: EngineError.media(.encryptedHashMismatch)) {
            try await session.download(MediaReference(uploaded))
        }
        // A sender who also controls the message can make the hash match; the MAC still fails.
        let stored = try #require(await simulator.mediaBlob(at: uploaded.directPath))
        var forged = MediaReference(uploaded)
        forged.fileEncSHA256 = SHA256Digest.hash(stored)
        await #expect(throws: EngineError.media(.macMismatch)) { try await session.download(forged) }

        try await simulator.tamperWithMedia(at: uploaded.directPath) { $0.removeLast(3) }
        await #expect(throws: EngineError.media(.truncated(length: stored.count - 3))) {
            try await session.download(MediaReference(uploaded))
        }
        await linked.stop()
    }

    @Test func aWrongReferenceGivesATypedError() async throws {
        let linked = try await Self.link("15550007004")
        let session = linked.session
        let uploaded = try await session.upload(Self.bytes(777, seed: 4), kind: .document)
        let good = MediaReference(uploaded)

        var wrongPlainHash = good
        wrongPlainHash.fileSHA256[0] ^= 1
        await #expect(throws: EngineError.media(.plaintextHashMismatch)) {
            try await session.download(wrongPlainHash)
        }
        var wrongEncHash = good
        wrongEncHash.fileEncSHA256[5] ^= 1
        await #expect(throws: EngineError.media(.encryptedHashMismatch)) {
            try await session.download(wrongEncHash)
        }
        var wrongKey = good
        wrongKey.mediaKey[31] ^= 1
        await #expect(throws: EngineError.media(.macMismatch)) { try await session.download(wrongKey) }
        var wrongKind = good
        wrongKind.kind = .image
        await #expect(throws: EngineError.media(.macMismatch)) { try await session.download(wrongKind) }
        var shortKey = good
        shortKey.mediaKey = Data(count: 31)
        await #expect(throws: EngineError.media(.invalidMediaKey(length: 31))) {
            try await session.download(shortKey)
        }
        var noHash = good
        noHash.fileEncSHA256 = Data()
        await #expect(throws: EngineError.media(.invalidHash(field: "fileEncSHA256", length: 0))) {
            try await session.download(noHash)
        }
        var noPath = good
        noPath.directPath = ""
        await #expect(throws: EngineError.media(.invalidDirectPath(""))) {
            try await session.download(noPath)
        }
        var unknownPath = good
        unknownPath.directPath = "/v/t62.7118-24/00.enc?ccb=11-4&oh=x&oe=1"
        await #expect(throws: EngineError.media(.httpStatus(404))) { try await session.download(unknownPath) }
        #expect(try await session.download(good).count == 777)
        await linked.stop()
    }

    @Test func theMediaServerChecksAuthTokensAndSizes() async throws {
        let limit = 64 << 10
        let linked = try await Self.link("15550007005", media: .init(maximumBlobSize: limit))
        let session = linked.session
        let connection = try await session.mediaConnection(refresh: false)
        #expect(
            connection.hosts == [
                .init(hostname: "127.0.0.1:\(linked.harness.port)", maximumContentLength: limit)
            ])
        #expect(connection.ttl > 0 && connection.ttl <= 300 && connection.maxBuckets == 12)
        let host = "http://127.0.0.1:\(linked.harness.port)"
        let sealed = try MediaCipher.encrypt(Self.bytes(1000, seed: 5), kind: .image)
        let token = MediaEndpoint.token(for: sealed.fileEncSHA256)

        func post(_ path: String, _ body: Data) async throws -> (Int, String?, Data) {
            var request = HTTPClientRequest(url: host + path)
            request.method = .POST
            request.body = .bytes(body)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 20)
            return (
                Int(response.status.code), response.headers.first(name: "Content-Type"),
                Data(answer.readableBytesView)
            )
        }
        func get(_ path: String) async throws -> (Int, Data) {
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: host + path), timeout: .seconds(10))
            return (
                Int(response.status.code),
                Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            )
        }

        // No auth, a made-up one: 401 with a problem document.
        let (noAuth, headers, problem) = try await post("/mms/image/\(token)?token=\(token)", sealed.body)
        #expect(noAuth == 401)
        #expect(headers == "application/problem+json")
        let document = try JSONSerialization.jsonObject(with: problem) as? [String: Any]
        #expect(document?["status"] as? Int == 401 && document?["title"] as? String == "Unauthorized")
        #expect(try await post("/mms/image/\(token)?auth=forged&token=\(token)", sealed.body).0 == 401)
        #expect(await linked.harness.simulator.mediaUsage().blobs == 0)

        let auth = try #require(connection.auth.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        // whatsmeow's padded token (escaped in the query) and Baileys' unpadded one both work
        // and name the same blob.
        let padded = try await post(
            "/mms/image/\(token)?auth=\(auth)&token=\(token.replacingOccurrences(of: "=", with: "%3D"))",
            sealed.body)
        #expect(padded.0 == 200)
        let bare = MediaEndpoint.token(for: sealed.fileEncSHA256, padded: false)
        let unpadded = try await post("/mms/image/\(bare)?auth=\(auth)&token=\(bare)", sealed.body)
        #expect(unpadded.0 == 200)
        let first = try JSONDecoder().decode(MediaUploadResponse.self, from: padded.2)
        let second = try JSONDecoder().decode(MediaUploadResponse.self, from: unpadded.2)
        #expect(first == second && first.url == host + first.directPath + "&mms3=true")

        // A token that is not the body's hash, an unknown type, a body over the limit.
        let other = MediaEndpoint.token(for: Data(repeating: 7, count: 32))
        #expect(try await post("/mms/image/\(other)?auth=\(auth)&token=\(other)", sealed.body).0 == 400)
        #expect(try await post("/mms/image/abc?auth=\(auth)", sealed.body).0 == 400)
        #expect(try await post("/mms/picture/\(token)?auth=\(auth)", sealed.body).0 == 404)
        let big = Data(count: limit + 16)
        let bigToken = MediaEndpoint.token(for: SHA256Digest.hash(big))
        #expect(try await post("/mms/document/\(bigToken)?auth=\(auth)&token=\(bigToken)", big).0 == 413)
        // The engine sees the host's limit before uploading.
        await #expect(throws: EngineError.media(.tooLarge(limit: limit))) {
            try await session.upload(Data(count: limit), kind: .document)
        }

        // Downloads: Baileys' bare direct path, whatsmeow's extra query; unknown or unsigned: 404.
        #expect(try await get(first.directPath) == (200, sealed.body))
        let whatsmeow = MediaEndpoint.downloadURL(
            scheme: "http", host: "127.0.0.1:\(linked.harness.port)", directPath: first.directPath,
            kind: .image,
            fileEncSHA256: sealed.fileEncSHA256)
        #expect(try await get(String(whatsmeow.dropFirst(host.count))) == (200, sealed.body))
        let unsigned = String(first.directPath.prefix { $0 != "?" })
        #expect(try await get(unsigned).0 == 404)
        #expect(try await get("/v/t62.7118-24/ffff.enc?oh=x").0 == 404)
        await linked.stop()
    }

    @Test func expiredTokensAreRefusedAndTheEngineFetchesANewOne() async throws {
        let linked = try await Self.link("15550007006", media: .init(tokenLifetime: .seconds(2)))
        let session = linked.session
        let first = try await session.mediaConnection(refresh: false)
        #expect(first.ttl <= 2)
        let before = try await session.upload(Self.bytes(100, seed: 6), kind: .audio)
        try await Task.sleep(for: .milliseconds(2500))

        let sealed = try MediaCipher.encrypt(Self.bytes(50, seed: 7), kind: .audio)
        let url = MediaEndpoint.uploadURL(
            scheme: "http", host: "127.0.0.1:\(linked.harness.port)", kind: .audio,
            fileEncSHA256: sealed.fileEncSHA256, auth: first.auth)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.body = .bytes(sealed.body)
        #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status.code == 401)

        // The engine's cached answer ran out with the token; it asks again and succeeds, and
        // what was uploaded before stays downloadable.
        let after = try await session.upload(Self.bytes(100, seed: 8), kind: .audio)
        #expect(try await session.mediaConnection(refresh: false).auth != first.auth)
        #expect(try await session.download(MediaReference(after)) == Self.bytes(100, seed: 8))
        #expect(try await session.download(MediaReference(before)) == Self.bytes(100, seed: 6))
        await linked.stop()
    }

    @Test func aStaleCachedTokenIsRefreshedOnce() async throws {
        let linked = try await Self.link("15550007007", media: .init(tokenLifetime: .seconds(2)))
        let session = linked.session
        let stale = try await session.mediaConnection(refresh: false)
        // Pretend the answer is still fresh though its token has expired: the upload gets 401,
        // refreshes and retries.
        try await Task.sleep(for: .milliseconds(2500))
        await session.extendMediaConnectionForTest()
        let uploaded = try await session.upload(Self.bytes(10, seed: 9), kind: .image)
        #expect(await session.mediaConnections.connection?.auth != stale.auth)
        #expect(try await session.download(MediaReference(uploaded)) == Self.bytes(10, seed: 9))
        await linked.stop()
    }

    @Test func mediaNeedsAConnection() async throws {
        let session = DeviceSession(store: InMemoryDeviceStore())
        await #expect(throws: EngineError.notConnected) { try await session.upload(Data([1]), kind: .image) }
        let reference = MediaReference(
            kind: .image, directPath: "/v/x.enc?a=1", mediaKey: Data(count: 32), fileSHA256: Data(count: 32),
            fileEncSHA256: Data(count: 32))
        await #expect(throws: EngineError.notConnected) { try await session.download(reference) }
    }
}

extension DeviceSession {
    /// Makes the cached media connection look valid for another minute.
    fileprivate func extendMediaConnectionForTest() {
        mediaConnections.expires = .now + .seconds(60)
    }
}
