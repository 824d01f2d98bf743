import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns every failure into an RFC 9457 problem+json answer with a stable `type`: our own
/// ``GatewayError``s as they are, the OpenAPI layer's refusals of malformed input as 400s,
/// unknown routes as 404s, and anything unexpected as a logged 500 that says nothing more.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The request body limit, named in 413 answers.
    let bodyLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem = gatewayError(for: error)
            // Each problem names its occurrence, so a user can quote it and we can find it.
            let occurrence = "urn:uuid:" + UUID().uuidString.lowercased()
            if case .internal = problem {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "error": "\(error)", "path": "\(request.uri.path)", "occurrence": "\(occurrence)",
                    ])
            }
            return Self.response(problem, instance: occurrence)
        }
    }

    func gatewayError(for error: any Error) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case let error as ServerError:
            if let inner = error.underlyingError as? GatewayError { return inner }
            let status = Int(error.httpStatus.code)
            if status == 415 { return .unsupportedMediaType(error.causeDescription) }
            if status == 406 { return .notAcceptable(error.causeDescription) }
            if (400..<500).contains(status) || error.underlyingError is DecodingError {
                return .malformedBody(error.causeDescription)
            }
            return .internal(error.causeDescription)
        case let error as HTTPError:
            switch error.status.code {
            case 404: return .notFound("No such endpoint; see /openapi.yaml.")
            case 405: return .notFound("This endpoint does not take this method; see /openapi.yaml.")
            case 413: return .bodyTooLarge(limit: bodyLimit)
            default:
                if (400..<500).contains(Int(error.status.code)) {
                    return .malformedBody(error.body ?? "\(error.status)")
                }
                return .internal("\(error)")
            }
        default:
            return .internal("\(error)")
        }
    }

    static func response(_ error: GatewayError, instance: String) -> Response {
        let (slug, status, title) = error.problem
        var body: [String: any Sendable] = [
            "type": "https://zapgate.dev/problems/\(slug)", "title": title, "status": status,
            "detail": error.detail,
            "instance": instance,
        ]
        if let field = error.field { body["field"] = field }
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if case .rateLimited(_, let wait) = error { headers[.retryAfter] = String(wait) }
        if case .unauthorized = error { headers[.wwwAuthenticate] = "Bearer" }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
