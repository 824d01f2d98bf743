import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches media a send names by URL, within a size and time limit.
struct MediaFetcher: Sendable {
    var client: HTTPClient
    var maximumSize: Int
    var timeout: Duration

    struct Fetched: Sendable {
        var data: Data
        var mimetype: String?
    }

    enum FetchError: Error, Sendable {
        case invalidURL
        case status(Int)
        case tooLarge(limit: Int)
        case transport(String)

        var detail: String {
            switch self {
            case .invalidURL: "only http and https URLs can be fetched"
            case .status(let code): "the server answered \(code)"
            case .tooLarge(let limit): "the media is larger than \(limit) bytes"
            case .transport(let why): why
            }
        }
    }

    func fetch(_ url: String) async throws(FetchError) -> Fetched {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", parsed.host != nil
        else { throw .invalidURL }
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            let response = try await client.execute(
                request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            guard (200..<300).contains(Int(response.status.code)) else {
                throw FetchError.status(Int(response.status.code))
            }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init),
                length > maximumSize
            {
                throw FetchError.tooLarge(limit: maximumSize)
            }
            var data = Data()
            for try await chunk in response.body {
                guard data.count + chunk.readableBytes <= maximumSize else {
                    throw FetchError.tooLarge(limit: maximumSize)
                }
                data.append(contentsOf: chunk.readableBytesView)
            }
            let type = response.headers.first(name: "content-type")?.split(separator: ";").first
                .map { $0.trimmingCharacters(in: .whitespaces) }
            return Fetched(data: data, mimetype: type)
        } catch let error as FetchError {
            throw error
        } catch {
            throw .transport("\(error)")
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
