import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// What a handler needs of the raw exchange that the generated types leave out: the request's
/// Content-Type for `*/*` uploads, and the real Content-Type of a `*/*` download (which the
/// generated code would label `*/*`).
final class RequestScope: Sendable {
    let requestFields: HTTPFields
    let responseContentType = Mutex<String?>(nil)

    init(requestFields: HTTPFields) {
        self.requestFields = requestFields
    }

    @TaskLocal static var current: RequestScope?

    /// The request's Content-Type without parameters, lowercased.
    static var requestContentType: String? {
        current?.requestFields[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Sets the Content-Type the response goes out with.
    static func setResponseContentType(_ type: String) {
        current?.responseContentType.withLock { $0 = type }
    }
}

/// Provides a ``RequestScope`` to every handler and applies what it asked for.
struct RequestScopeMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next:
            @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            )
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let scope = RequestScope(requestFields: request.headerFields)
        var (response, responseBody) = try await RequestScope.$current.withValue(scope) {
            try await next(request, body, metadata)
        }
        if let type = scope.responseContentType.withLock({ $0 }) {
            response.headerFields[.contentType] = type
        }
        return (response, responseBody)
    }
}
