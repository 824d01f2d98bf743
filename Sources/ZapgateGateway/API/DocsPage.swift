import Foundation
import ZapgateAPI

/// `/docs`: the API at a glance, made from the served spec itself, with no scripts or assets
/// from elsewhere (the server may have no internet): every operation with its method, path
/// and summary, then the whole document.
enum DocsPage {
    static let html: String = render(APISpecification.yaml)

    static func render(_ yaml: String) -> String {
        var rows = ""
        var path: String?
        var method: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") {
                inPaths = true
                continue
            }
            if inPaths, let first = line.first, first != " ", first != "#" { inPaths = false }
            guard inPaths else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " }.count
            if indent == 2, trimmed.hasPrefix("/"), trimmed.hasSuffix(":") {
                path = String(trimmed.dropLast())
            } else if indent == 4, ["get:", "post:", "put:", "patch:", "delete:"].contains(trimmed) {
                method = String(trimmed.dropLast()).uppercased()
            } else if indent == 6, trimmed.hasPrefix("summary:"), let path, let current = method {
                let summary = trimmed.dropFirst("summary:".count).trimmingCharacters(in: .whitespaces)
                rows +=
                    "<tr><td><code>\(current)</code></td><td><code>\(escape(path))</code></td><td>\(escape(summary))</td></tr>\n"
                method = nil
            }
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Zapgate API</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
            table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ddd;padding:.35rem .5rem}
            code{font-size:.95em}pre{background:#f6f6f6;padding:1rem;overflow:auto;font-size:.85em}
            </style></head><body>
            <h1>Zapgate API</h1>
            <p>The contract is <a href="/openapi.yaml">/openapi.yaml</a> (OpenAPI 3.1); load it into any OpenAPI
            viewer or client generator. Keys go in <code>Authorization: Bearer &lt;key&gt;</code>; errors are
            <code>application/problem+json</code>.</p>
            <h2>Operations</h2>
            <table>
            \(rows)</table>
            <h2>The document</h2>
            <pre>\(escape(yaml))</pre>
            </body></html>
            """
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
