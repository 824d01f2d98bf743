import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateStore

/// The event types the gateway writes to an instance's log, and the `data` each carries.
enum GatewayEvent {
    static let messageReceived = "message.received"
    static let messageStatus = "message.status"
    static let instanceStatus = "instance.status"
    static let instanceQR = "instance.qr"
    static let instancePairingCode = "instance.pairing_code"
    /// Sent by the test ping only; never logged.
    static let webhookTest = "webhook.test"

    static let all = [messageReceived, messageStatus, instanceStatus, instanceQR, instancePairingCode]

    /// A message arrived (or, for `message.status`, moved on): the message as `GET` shows it.
    static func message(_ type: String, _ record: MessageRecord, tenantID: UUID) -> NewEvent {
        NewEvent(
            tenantID: tenantID, instanceID: record.instanceID, type: type,
            data: encode(Components.Schemas.Message(record)))
    }

    /// The instance's status changed: the instance as `GET` shows it.
    static func status(_ record: InstanceRecord) -> NewEvent {
        NewEvent(
            tenantID: record.tenantID, instanceID: record.id, type: instanceStatus,
            data: encode(Components.Schemas.Instance(record)))
    }

    static func qr(_ code: String, expiresAt: Date, instanceID: UUID, tenantID: UUID) -> NewEvent {
        NewEvent(
            tenantID: tenantID, instanceID: instanceID, type: instanceQR,
            data: encode(QRData(code: code, expiresAt: expiresAt)))
    }

    static func pairingCode(_ code: String, instanceID: UUID, tenantID: UUID) -> NewEvent {
        NewEvent(
            tenantID: tenantID, instanceID: instanceID, type: instancePairingCode,
            data: encode(PairingCodeData(code: code)))
    }

    private struct QRData: Encodable {
        var code: String
        var expiresAt: Date
    }

    private struct PairingCodeData: Encodable {
        var code: String
    }

    /// JSON as the API writes it: ISO 8601 times, keys in a fixed order.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// Checks event type patterns a client sent (for a subscription or a stream).
    static func filter(_ given: [String]?, field: String) throws(GatewayError) -> EventFilter {
        let patterns = (given ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Left out, a filter means everything; given empty, it is more likely a mistake.
        if given != nil && patterns.isEmpty {
            throw .validation(field: field, detail: "Name at least one event type or pattern, or * for all.")
        }
        for pattern in patterns where !isValidPattern(pattern) {
            throw .validation(
                field: field,
                detail:
                    "'\(pattern)' is not an event type or pattern; use one of \(all.joined(separator: ", ")), a prefix such as message.*, or *."
            )
        }
        return EventFilter(patterns)
    }

    private static func isValidPattern(_ pattern: String) -> Bool {
        if pattern == "*" || all.contains(pattern) { return true }
        guard pattern.hasSuffix(".*") else { return false }
        let prefix = pattern.dropLast(1)
        return all.contains { $0.hasPrefix(prefix) }
    }
}
