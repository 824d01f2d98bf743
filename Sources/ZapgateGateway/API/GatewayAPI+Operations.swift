import Foundation
import OpenAPIRuntime
import ZapgateAPI

extension GatewayAPI {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    /// Ready once the instances that should run have been started again, while the database
    /// answers.
    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        guard await registry.restored else {
            throw GatewayError.notReady("Reconnecting instances after start-up.")
        }
        do {
            try await store.database.query("SELECT 1")
        } catch {
            throw GatewayError.notReady("The database does not answer.")
        }
        return .ok(.init(body: .json(.init(status: .ready))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        RequestScope.setResponseContentType("text/plain; version=0.0.4; charset=utf-8")
        return .ok(.init(body: .plainText(HTTPBody(metrics.exposition()))))
    }

    func getOpenAPIDocument(_ input: Operations.GetOpenAPIDocument.Input) async throws
        -> Operations.GetOpenAPIDocument.Output
    {
        .ok(.init(body: .yaml(HTTPBody(APISpecification.yamlBytes))))
    }

    func getDocs(_ input: Operations.GetDocs.Input) async throws -> Operations.GetDocs.Output {
        .ok(.init(body: .html(HTTPBody(DocsPage.html))))
    }
}
