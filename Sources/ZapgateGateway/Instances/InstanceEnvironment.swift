import Logging
import ZapgateEngine

/// What every instance's runtime shares: how sessions connect, where media URLs are fetched
/// through, the metrics and the log.
struct InstanceEnvironment: Sendable {
    var sessionConfiguration: DeviceSessionConfiguration
    var mediaFetcher: MediaFetcher
    var metrics: GatewayMetrics
    var logger: Logger
    var hub: EventHub
}
