import ZapgateProtocol

/// How a ``DeviceSession`` talks to the media hosts its `<media_conn>` names.
public struct MediaTransferConfiguration: Sendable {
    /// `https` for WhatsApp's hosts; `http` against a simulator serving plain HTTP. HTTPS
    /// trusts the system's roots only.
    public var scheme: String
    /// The Origin (and Referer) header; WhatsApp's web client's by default, nil sends none.
    public var origin: String?
    /// How long one upload or download may take, from connecting to the last body byte.
    public var requestTimeout: Duration
    /// The largest body a download accepts; a larger answer fails with
    /// ``MediaError/tooLarge(limit:)`` rather than filling memory.
    public var maximumDownloadSize: Int

    public init(
        scheme: String = "https",
        origin: String? = MediaEndpoint.origin,
        requestTimeout: Duration = .seconds(120),
        maximumDownloadSize: Int = 128 << 20
    ) {
        self.scheme = scheme
        self.origin = origin
        self.requestTimeout = requestTimeout
        self.maximumDownloadSize = maximumDownloadSize
    }
}
