import Foundation
import Prometheus
import ZapgateStore

/// The counters and gauges `/metrics` shows: per instance, which status it is in and how many
/// messages it had accepted, sent, received and failed. Kept in a registry of our own rather
/// than a process-wide metrics system.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    // Computed: the library's descriptor type is not Sendable, so it cannot be a static let.
    static var status: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "zapgate", metricName: "instance", unitName: "status",
            helpText: "1 for the status an instance is in, 0 for the others")
    }
    static var accepted: MetricNameDescriptor { counter("accepted", "Messages accepted by the API") }
    static var sent: MetricNameDescriptor { counter("sent", "Messages the server acknowledged") }
    static var received: MetricNameDescriptor { counter("received", "Messages received and stored") }
    static var failed: MetricNameDescriptor { counter("failed", "Messages that failed for good") }

    private static func counter(_ what: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "zapgate", subsystem: "messages", metricName: what, unitName: "total", helpText: help)
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private func label(_ instance: UUID) -> [(String, String)] {
        [("instance", instance.uuidString.lowercased())]
    }

    func statusChanged(instance: UUID, to status: InstanceStatus) {
        for candidate in InstanceStatus.allCases {
            registry.makeGauge(
                descriptor: Self.status, labels: label(instance) + [("status", candidate.rawValue)]
            )
            .set(to: candidate == status ? 1.0 : 0.0)
        }
    }

    func accepted(instance: UUID) { count(Self.accepted, instance) }
    func sent(instance: UUID) { count(Self.sent, instance) }
    func received(instance: UUID) { count(Self.received, instance) }
    func failed(instance: UUID) { count(Self.failed, instance) }

    private func count(_ descriptor: MetricNameDescriptor, _ instance: UUID) {
        registry.makeCounter(descriptor: descriptor, labels: label(instance)).increment()
    }

    /// Drops a deleted instance's series.
    func forget(instance: UUID) {
        for candidate in InstanceStatus.allCases {
            registry.unregisterGauge(
                registry.makeGauge(
                    descriptor: Self.status, labels: label(instance) + [("status", candidate.rawValue)]))
        }
        for descriptor in [Self.accepted, Self.sent, Self.received, Self.failed] {
            registry.unregisterCounter(registry.makeCounter(descriptor: descriptor, labels: label(instance)))
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}
