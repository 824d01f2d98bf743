import Foundation

/// The URLs of the media servers' HTTP interface, as both reference clients build them.
///
/// Upload: `POST <scheme>://<host>/mms/<type>/<token>?auth=<auth>&token=<token>`, where the
/// token is base64url of the body's SHA-256. Download: `GET <scheme>://<host><directPath>`,
/// with whatsmeow's `&hash=<token>&mms-type=<type>&__wa-mms=` after the direct path's query.
public enum MediaEndpoint {
    /// The Origin (and Referer) the web client sends.
    public static let origin = "https://web.whatsapp.com"

    /// base64url of `fileEncSHA256`; whatsmeow keeps the `=` padding, Baileys strips it.
    public static func token(for fileEncSHA256: Data, padded: Bool = true) -> String {
        var text = fileEncSHA256.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        if !padded {
            while text.hasSuffix("=") { text.removeLast() }
        }
        return text
    }

    /// The bytes a token names: base64url with or without padding, `=` possibly
    /// percent-encoded. nil for anything else.
    public static func hash(fromToken token: String) -> Data? {
        guard var text = token.removingPercentEncoding else { return nil }
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_=".contains($0)) }) else {
            return nil
        }
        while text.hasSuffix("=") { text.removeLast() }
        guard !text.contains("=") else { return nil }
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: text)
    }

    /// The upload path, `/mms/<type>/<token>`.
    public static func uploadPath(kind: MediaKind, fileEncSHA256: Data, paddedToken: Bool = true) -> String {
        "/mms/\(kind.mmsType)/\(token(for: fileEncSHA256, padded: paddedToken))"
    }

    /// The whole upload URL for `host` (`name` or `name:port`).
    public static func uploadURL(
        scheme: String, host: String, kind: MediaKind, fileEncSHA256: Data, auth: String,
        paddedToken: Bool = true
    ) -> String {
        let token = token(for: fileEncSHA256, padded: paddedToken)
        return "\(scheme)://\(host)/mms/\(kind.mmsType)/\(token)?auth=\(queryEscaped(auth))"
            + "&token=\(queryEscaped(token))"
    }

    /// The download URL, whatsmeow's way: the direct path, then `hash`, `mms-type` and
    /// `__wa-mms` (joined with `?` when the direct path has no query of its own).
    public static func downloadURL(
        scheme: String, host: String, directPath: String, kind: MediaKind, fileEncSHA256: Data
    ) -> String {
        let separator = directPath.contains("?") ? "&" : "?"
        return "\(scheme)://\(host)\(directPath)\(separator)hash=\(queryEscaped(token(for: fileEncSHA256)))"
            + "&mms-type=\(kind.mmsType)&__wa-mms="
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func queryEscaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
