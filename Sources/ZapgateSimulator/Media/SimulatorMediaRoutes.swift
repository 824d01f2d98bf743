import Foundation
import Hummingbird
import Logging
import ZapgateProtocol

/// The media server's HTTP routes, served beside the chat socket on the same port:
///
/// - `POST /mms/<type>/<token>?auth=…&token=…` takes an encrypted body. The `auth` must be a
///   token from a `<media_conn>` answer that has not expired (401 otherwise); the token, padded
///   or not, must be base64url of the body's SHA-256 (400); the body must fit the size limit
///   (413). The answer is `{"url": …, "direct_path": …}`.
/// - `GET /v/<folder>/<id>.enc?…&oh=…` returns a stored body (404 when unknown), whatever else
///   the query carries (whatsmeow adds `hash`, `mms-type` and `__wa-mms`).
enum SimulatorMediaRoutes {
    static func add(
        to router: Router<BasicRequestContext>,
        store: SimulatorMediaStore,
        configuration: SimulatorMediaConfiguration
    ) {
        router.post("/mms/:type/:token") { request, context in
            await upload(request, context: context, store: store, configuration: configuration)
        }
        router.get("/v/:folder/:file") { request, _ in
            let check = request.uri.queryParameters["oh"].map(String.init)
            guard let body = await store.blob(path: request.uri.path, check: check) else {
                return problem(.notFound, "no media at this path")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    private static func upload(
        _ request: Request, context: BasicRequestContext, store: SimulatorMediaStore,
        configuration: SimulatorMediaConfiguration
    ) async -> Response {
        var request = request
        let query = request.uri.queryParameters
        guard let auth = query["auth"], await store.isAuthorized(String(auth)) else {
            return problem(.unauthorized, "missing, unknown or expired auth token")
        }
        guard let type = context.parameters.get("type"), MediaKind.mmsTypes.contains(type) else {
            return problem(.notFound, "unknown media type")
        }
        guard let pathToken = context.parameters.get("token"),
            let hash = MediaEndpoint.hash(fromToken: pathToken), hash.count == 32
        else {
            return problem(.badRequest, "the path token is not base64url of a SHA-256")
        }
        if let queryToken = query["token"], MediaEndpoint.hash(fromToken: String(queryToken)) != hash {
            return problem(.badRequest, "the token parameter differs from the path's")
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }),
            declared > configuration.maximumBlobSize
        {
            return problem(.contentTooLarge, "uploads are limited to \(configuration.maximumBlobSize) bytes")
        }
        let body: Data
        do {
            body = Data(try await request.collectBody(upTo: configuration.maximumBlobSize).readableBytesView)
        } catch {
            return problem(.contentTooLarge, "uploads are limited to \(configuration.maximumBlobSize) bytes")
        }
        let stored: MediaUploadResponse
        do throws(SimulatorMediaStore.Refusal) {
            stored = try await store.store(
                body, hash: hash, mmsType: type, maximumStoredBytes: configuration.maximumStoredBytes)
        } catch {
            switch error {
            case .tooLarge: return problem(.contentTooLarge, "the body is larger than the whole media store")
            case .hashMismatch: return problem(.badRequest, "the token is not the SHA-256 of the body")
            }
        }
        guard let json = try? JSONEncoder().encode(stored) else {
            return problem(.internalServerError, "could not encode the answer")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// An RFC 9457 problem document.
    private static func problem(_ status: HTTPResponse.Status, _ detail: String) -> Response {
        let document = Problem(title: status.reasonPhrase, status: status.code, detail: detail)
        let json = (try? JSONEncoder().encode(document)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    private struct Problem: Encodable {
        var type = "about:blank"
        let title: String
        let status: Int
        let detail: String
    }
}
