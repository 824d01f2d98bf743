import ZapgateWire

/// The server's answer to `<iq xmlns="w:m" type="set"><media_conn/></iq>`: the token that
/// authorises uploads and the hosts to upload to and download from, valid for ``ttl`` seconds.
///
/// ```xml
/// <media_conn auth="…" ttl="300" auth_ttl="21600" max_buckets="12">
///   <host hostname="mmg.whatsapp.net"/>
/// </media_conn>
/// ```
public struct MediaConnection: Sendable, Equatable {
    /// One media host.
    public struct Host: Sendable, Equatable {
        /// `name` or `name:port`, without a scheme.
        public var hostname: String
        /// The largest upload the host takes, when it says.
        public var maximumContentLength: Int?

        public init(hostname: String, maximumContentLength: Int? = nil) {
            self.hostname = hostname
            self.maximumContentLength = maximumContentLength
        }
    }

    /// The namespace of the request.
    public static let xmlns = "w:m"

    /// The `auth` query parameter of uploads.
    public var auth: String
    /// Seconds the answer may be used for before asking again.
    public var ttl: Int
    /// Seconds the auth token stays valid; whatsmeow reads it, neither client acts on it.
    public var authTTL: Int?
    /// How many upload buckets the server offers; read, never acted on.
    public var maxBuckets: Int?
    /// The hosts, in order of preference; never empty once parsed.
    public var hosts: [Host]

    public init(auth: String, ttl: Int, authTTL: Int? = nil, maxBuckets: Int? = nil, hosts: [Host]) {
        self.auth = auth
        self.ttl = ttl
        self.authTTL = authTTL
        self.maxBuckets = maxBuckets
        self.hosts = hosts
    }

    /// What goes inside the request `<iq>`.
    public static var requestChildren: [BinaryNode] { [BinaryNode(tag: "media_conn")] }

    /// The request, with iq id `id`.
    public static func request(id: String) -> BinaryNode {
        .iq(id: id, type: "set", xmlns: xmlns, children: requestChildren)
    }

    /// Whether `iq` asks for a media connection.
    public static func isRequest(_ iq: BinaryNode) -> Bool {
        iq.tag == "iq" && iq.attributes["xmlns"] == .string(xmlns) && iq.attributes["type"] == "set"
            && iq.children.first?.tag == "media_conn"
    }

    /// Reads the answer: the result `<iq>` or its `<media_conn>` child. `auth`, `ttl` and at
    /// least one host with a hostname are required.
    public init(answer node: BinaryNode) throws(ProtocolError) {
        guard let element = node.tag == "media_conn" ? node : node.child("media_conn") else {
            throw .malformed("media connection answer has no <media_conn>")
        }
        do {
            let auth = try element.string("auth")
            guard !auth.isEmpty else { throw ProtocolError.malformed("<media_conn> auth is empty") }
            let ttl = try element.integer("ttl", as: Int.self)
            guard ttl >= 0 else { throw ProtocolError.malformed("<media_conn> ttl is negative") }
            var hosts: [Host] = []
            for host in element.children(tagged: "host") {
                let hostname = try host.string("hostname")
                guard !hostname.isEmpty, !hostname.contains("/") else {
                    throw ProtocolError.malformed("<host> hostname \"\(hostname)\" is not a host")
                }
                hosts.append(
                    Host(
                        hostname: hostname,
                        maximumContentLength: try host.optionalInteger("maxContentLengthBytes", as: Int.self))
                )
            }
            guard !hosts.isEmpty else { throw ProtocolError.malformed("<media_conn> names no host") }
            self.init(
                auth: auth, ttl: ttl, authTTL: try element.optionalInteger("auth_ttl", as: Int.self),
                maxBuckets: try element.optionalInteger("max_buckets", as: Int.self), hosts: hosts)
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// The `<media_conn>` element a server answers with.
    public var node: BinaryNode {
        var attributes: BinaryNode.Attributes = ["auth": .string(auth), "ttl": .string(String(ttl))]
        if let authTTL { attributes["auth_ttl"] = .string(String(authTTL)) }
        if let maxBuckets { attributes["max_buckets"] = .string(String(maxBuckets)) }
        return BinaryNode(
            tag: "media_conn", attributes: attributes,
            children: hosts.map { host in
                var hostAttributes: BinaryNode.Attributes = ["hostname": .string(host.hostname)]
                if let limit = host.maximumContentLength {
                    hostAttributes["maxContentLengthBytes"] = .string(String(limit))
                }
                return BinaryNode(tag: "host", attributes: hostAttributes)
            })
    }
}
