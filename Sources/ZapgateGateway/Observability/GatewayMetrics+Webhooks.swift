import Foundation
import Prometheus
import ZapgateStore

extension GatewayMetrics {
    static var webhookAttempts: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "zapgate", subsystem: "webhook", metricName: "attempts", unitName: "total",
            helpText: "Webhook delivery attempts, by what they decided")
    }
    static var webhookLatency: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "zapgate", subsystem: "webhook", metricName: "attempt_duration", unitName: "seconds",
            helpText: "How long one webhook attempt took")
    }
    static var webhookLag: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "zapgate", subsystem: "webhook", metricName: "delivery_lag", unitName: "seconds",
            helpText: "From an event's arrival to its receiver's 2xx")
    }

    func webhookAttempt(outcome: DeliveryOutcome, latency: Duration) {
        let name =
            switch outcome {
            case .delivered: "delivered"
            case .retry: "retry"
            case .parked: "parked"
            }
        registry.makeCounter(descriptor: Self.webhookAttempts, labels: [("outcome", name)]).increment()
        registry.makeDurationHistogram(
            descriptor: Self.webhookLatency,
            buckets: [
                .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2),
                .seconds(10),
            ]
        ).recordNanoseconds(Int64(latency.seconds * 1e9))
    }

    func webhookDelivered(lag: TimeInterval) {
        registry.makeValueHistogram(
            descriptor: Self.webhookLag, buckets: [0.01, 0.05, 0.25, 1, 5, 60, 3600, 86400]
        )
        .record(max(lag, 0))
    }
}
