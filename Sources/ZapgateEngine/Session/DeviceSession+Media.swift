import Foundation
import ZapgateProtocol
import ZapgateWire

extension DeviceSession {
    /// Encrypts `plaintext` under a fresh media key and uploads it to a media host. The answer
    /// is what a media message carries (its `fill` methods copy it into the protos).
    ///
    /// Needs a logged-in connection for the `<media_conn>` query (cached for its ttl). An
    /// expired upload token (401 or 403) is refreshed once; hosts are tried in order while they
    /// fail without answering or answer 5xx. Encryption runs off the session's actor.
    @concurrent
    public nonisolated func upload(_ plaintext: Data, kind: MediaKind) async throws(EngineError)
        -> UploadedMedia
    {
        let encrypted: EncryptedMedia
        do { encrypted = try MediaCipher.encrypt(plaintext, kind: kind) } catch { throw .media(error) }
        let timestamp = Int64(Date().timeIntervalSince1970)
        var connection = try await mediaConnection(refresh: false)
        var answer: MediaUploadResponse
        do {
            answer = try await post(encrypted, kind: kind, connection: connection)
        } catch .media(.httpStatus(let status)) where status == 401 || status == 403 {
            connection = try await mediaConnection(refresh: true)
            answer = try await post(encrypted, kind: kind, connection: connection)
        }
        return UploadedMedia(
            kind: kind, url: answer.url, directPath: answer.directPath, mediaKey: encrypted.mediaKey,
            fileSHA256: encrypted.fileSHA256, fileEncSHA256: encrypted.fileEncSHA256,
            fileLength: encrypted.fileLength, mediaKeyTimestamp: timestamp, handle: answer.handle)
    }

    /// Downloads, checks and decrypts the media `reference` names. Every check of
    /// ``MediaCipher/decrypt(_:kind:mediaKey:fileEncSHA256:fileSHA256:)`` applies: altered bytes
    /// throw ``EngineError/media(_:)`` with the failing check, never return data.
    ///
    /// Hosts are tried in order while they fail without answering or answer 5xx; 403, 404 and
    /// 410 end the attempt at once, as whatsmeow does.
    @concurrent
    public nonisolated func download(_ reference: MediaReference) async throws(EngineError) -> Data {
        guard reference.directPath.hasPrefix("/") else {
            throw .media(.invalidDirectPath(reference.directPath))
        }
        do {
            _ = try MediaKeys(mediaKey: reference.mediaKey, kind: reference.kind)
        } catch {
            throw .media(error)
        }
        for (field, hash) in [
            ("fileEncSHA256", reference.fileEncSHA256), ("fileSHA256", reference.fileSHA256),
        ]
        where hash.count != 32 {
            throw .media(.invalidHash(field: field, length: hash.count))
        }
        let connection = try await mediaConnection(refresh: false)
        let settings = configuration.media
        var lastError = MediaError.noMediaHost
        for host in connection.hosts {
            let url = MediaEndpoint.downloadURL(
                scheme: settings.scheme, host: host.hostname, directPath: reference.directPath,
                kind: reference.kind, fileEncSHA256: reference.fileEncSHA256)
            let answer: MediaHTTP.Answer
            do {
                answer = try await MediaHTTP.get(url, settings: settings)
            } catch {
                lastError = error
                if case .tooLarge = error { break }
                continue
            }
            guard answer.status == 200 else {
                lastError = .httpStatus(answer.status)
                if answer.status >= 500 { continue }
                break
            }
            do {
                return try MediaCipher.decrypt(
                    answer.body, kind: reference.kind, mediaKey: reference.mediaKey,
                    fileEncSHA256: reference.fileEncSHA256, fileSHA256: reference.fileSHA256)
            } catch {
                throw .media(error)
            }
        }
        throw .media(lastError)
    }

    /// The media connection: the cached one while its ttl lasts, else a fresh `<media_conn>`
    /// query (one at a time; concurrent callers share it).
    func mediaConnection(refresh: Bool) async throws(EngineError) -> MediaConnection {
        if !refresh, let cached = mediaConnections.current(at: .now) { return cached }
        if refresh { mediaConnections.forget() }
        let task: Task<MediaConnection, any Error>
        if let running = mediaConnections.inFlight {
            task = running
        } else {
            task = Task { try await self.fetchMediaConnection() }
            mediaConnections.inFlight = task
        }
        do {
            let connection = try await task.value
            if mediaConnections.inFlight == task { mediaConnections.inFlight = nil }
            return connection
        } catch {
            if mediaConnections.inFlight == task { mediaConnections.inFlight = nil }
            throw error as? EngineError ?? .protocolViolation("media connection: \(error)")
        }
    }

    private func fetchMediaConnection() async throws(EngineError) -> MediaConnection {
        let answer = try await query(
            type: "set", xmlns: MediaConnection.xmlns, children: MediaConnection.requestChildren)
        let connection: MediaConnection
        do { connection = try MediaConnection(answer: answer) } catch {
            throw .protocolViolation("media connection: \(error)")
        }
        mediaConnections.store(connection, fetchedAt: .now)
        return connection
    }

    /// Posts to each host in turn until one answers other than with 5xx or a dropped exchange.
    private nonisolated func post(
        _ encrypted: EncryptedMedia, kind: MediaKind, connection: MediaConnection
    ) async throws(EngineError) -> MediaUploadResponse {
        let settings = configuration.media
        var lastError = MediaError.noMediaHost
        for host in connection.hosts {
            if let limit = host.maximumContentLength, encrypted.body.count > limit {
                lastError = .tooLarge(limit: limit)
                continue
            }
            let url = MediaEndpoint.uploadURL(
                scheme: settings.scheme, host: host.hostname, kind: kind,
                fileEncSHA256: encrypted.fileEncSHA256,
                auth: connection.auth)
            let answer: MediaHTTP.Answer
            do {
                answer = try await MediaHTTP.post(url, body: encrypted.body, settings: settings)
            } catch {
                lastError = error
                continue
            }
            guard answer.status == 200 else {
                lastError = .httpStatus(answer.status)
                if answer.status >= 500 { continue }
                break
            }
            let response: MediaUploadResponse
            do {
                response = try JSONDecoder().decode(MediaUploadResponse.self, from: answer.body)
            } catch {
                throw .media(.invalidUploadResponse("\(error)"))
            }
            guard response.directPath.hasPrefix("/") else {
                throw .media(.invalidUploadResponse("direct_path \"\(response.directPath)\""))
            }
            return response
        }
        throw .media(lastError)
    }
}
