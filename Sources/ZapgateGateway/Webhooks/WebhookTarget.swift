import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks a webhook URL before it is saved: http or https, a host, no credentials, and, unless
/// the gateway allows it, no loopback, private, link-local or otherwise non-public address
/// (a webhook must not become a way to reach what sits beside the gateway).
enum WebhookTarget {
    static let maximumLength = 2048

    static func validate(_ text: String, allowPrivate: Bool, field: String = "/url") throws(GatewayError)
        -> String
    {
        func refuse(_ why: String) -> GatewayError { .validation(field: field, detail: why) }
        guard text.utf8.count <= maximumLength else {
            throw refuse("The URL is longer than \(maximumLength) bytes.")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme)
        else { throw refuse("The URL must be an absolute http or https URL.") }
        guard let host = components.host, !host.isEmpty else { throw refuse("The URL has no host.") }
        guard components.user == nil, components.password == nil else {
            throw refuse("Put no credentials in the URL; verify the signature instead.")
        }
        guard components.fragment == nil else { throw refuse("The URL may not have a fragment.") }
        if allowPrivate { return text }
        if let why = refusal(host) { throw refuse(why) }
        return text
    }

    /// Why a host may not be a webhook's target when private targets are not allowed; nil
    /// when it may.
    static func refusal(_ written: String) -> String? {
        var host = written.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        if host.contains("%") { return "The URL names a network interface; the gateway does not allow that." }
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local")
            || host.hasSuffix(".internal")
        {
            return "The URL points at a local name; the gateway does not allow private targets."
        }
        if let address = IPAddress(host) {
            return address.isPublic
                ? nil
                : "The URL points at a loopback, private or reserved address, which the gateway does not allow."
        }
        // Resolvers also read 2130706433, 127.1 or 0x7f.0.0.1 as addresses; only the usual
        // dotted form is accepted, so what is checked is what is dialled.
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let numeric = labels.allSatisfy { label in
            !label.isEmpty
                && (label.allSatisfy(\.isNumber)
                    || (label.hasPrefix("0x") && label.dropFirst(2).allSatisfy(\.isHexDigit)))
        }
        if numeric { return "Write an IP address in its usual dotted form." }
        return nil
    }
}

/// An IPv4 or IPv6 address literal, as bytes.
struct IPAddress: Equatable, CustomStringConvertible {
    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    var description: String {
        var copy = bytes
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &text, socklen_t(text.count)) != nil else { return "?" }
        let length = text.firstIndex(of: 0) ?? text.count
        return String(decoding: text[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the address is routable on the public internet.
    var isPublic: Bool {
        if bytes.count == 4 { return Self.isPublicV4(bytes) }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, which covers :: and ::1)
        // forms carry a v4 address.
        let mapped = bytes[10] == 0xff && bytes[11] == 0xff
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && (mapped || (bytes[10] == 0 && bytes[11] == 0)) {
            return Self.isPublicV4(Array(bytes[12...]))
        }
        if bytes[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xff { return false }  // multicast
        // 2001:db8::/32, for documentation.
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return false }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b {  // NAT64
            return Self.isPublicV4(Array(bytes[12...]))
        }
        return true
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link-local, cloud metadata
        case (172, 16...31): return false
        case (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100: return false
        case (203, 0) where b[2] == 113: return false
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
