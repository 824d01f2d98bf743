import AsyncHTTPClient
import Foundation
import NIOCore
import ZapgateProtocol

/// The two HTTP exchanges media needs, over AsyncHTTPClient's shared client (no proxy from
/// the environment, system TLS roots). Failures before a status arrives are
/// ``MediaError/transport(_:)``; a status is returned for the caller to judge.
enum MediaHTTP {
    struct Answer: Sendable {
        let status: Int
        let body: Data
    }

    /// Answers to uploads are small JSON documents.
    static let maximumAnswerSize = 64 << 10

    static func post(
        _ url: String, body: Data, settings: MediaTransferConfiguration
    ) async throws(MediaError) -> Answer {
        try await exchange(url, upload: body, settings: settings, limit: maximumAnswerSize)
    }

    static func get(_ url: String, settings: MediaTransferConfiguration) async throws(MediaError) -> Answer {
        try await exchange(url, upload: nil, settings: settings, limit: settings.maximumDownloadSize)
    }

    private static func exchange(
        _ url: String, upload: Data?, settings: MediaTransferConfiguration, limit: Int
    ) async throws(MediaError) -> Answer {
        let timeout = settings.requestTimeout
        let outcome = await withTaskGroup(of: Result<Answer, MediaError>?.self) { group in
            group.addTask { await send(url, upload: upload, origin: settings.origin, limit: limit) }
            group.addTask {
                // The client's own deadline ends at the response head; this one covers the body.
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .failure(.transport("no complete answer within \(timeout)"))
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let next { return next }
            }
            return .failure(.transport("cancelled"))
        }
        return try outcome.get()
    }

    private static func send(
        _ url: String, upload: Data?, origin: String?, limit: Int
    ) async -> Result<Answer, MediaError> {
        var request = HTTPClientRequest(url: url)
        if let upload {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .bytes(upload)
        } else {
            request.method = .GET
        }
        if let origin {
            request.headers.add(name: "Origin", value: origin)
            request.headers.add(name: "Referer", value: origin + "/")
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(24))
        } catch {
            return .failure(.transport("\(error)"))
        }
        do {
            let buffer = try await response.body.collect(upTo: limit)
            return .success(Answer(status: Int(response.status.code), body: Data(buffer.readableBytesView)))
        } catch is NIOTooManyBytesError {
            return .failure(.tooLarge(limit: limit))
        } catch {
            return .failure(.transport("\(error)"))
        }
    }
}
