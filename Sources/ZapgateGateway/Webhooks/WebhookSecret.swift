import Foundation
import ZapgateCrypto
import ZapgateStore

/// A subscription's signing key, written as Standard Webhooks writes it: `whsec_` and the
/// key in base64. The key is sealed at rest under the master key.
struct WebhookSecret: Sendable, CustomStringConvertible {
    let key: Data

    static let prefix = "whsec_"

    /// A fresh random key of 32 bytes.
    static func generate() -> WebhookSecret {
        WebhookSecret(key: SecureRandom.bytes(32))
    }

    init(key: Data) {
        self.key = key
    }

    /// Reads a secret a client brought: `whsec_` and base64 of 24 to 64 bytes.
    init(parsing text: String, field: String) throws(GatewayError) {
        guard text.hasPrefix(Self.prefix),
            let key = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            (24...64).contains(key.count)
        else {
            throw .validation(
                field: field, detail: "A secret is whsec_ followed by the base64 of 24 to 64 random bytes.")
        }
        self.key = key
    }

    /// The text form shown to the client (once).
    var text: String { Self.prefix + key.base64EncodedString() }

    var description: String { "WebhookSecret(redacted)" }

    func sealed(by box: SecretBox, webhookID: UUID) throws(StoreError) -> Data {
        try box.seal(key, for: Self.location(webhookID))
    }

    static func open(_ sealed: Data, by box: SecretBox, webhookID: UUID) throws(StoreError) -> WebhookSecret {
        WebhookSecret(key: try box.open(sealed, at: location(webhookID)))
    }

    /// The sealed key is bound to its subscription's row.
    private static func location(_ webhookID: UUID) -> SecretBox.Location {
        SecretBox.Location(instanceID: webhookID, table: "webhooks", key: [webhookID.uuidString.lowercased()])
    }

    /// The `webhook-signature` header for a body sent as `id` at `timestamp` (Unix seconds):
    /// HMAC-SHA256 over `id.timestamp.body`, so a receiver can check both the body and when it
    /// was sent, and refuse old replays.
    func signature(id: String, timestamp: Int64, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        return "v1," + HMACSHA256.authenticationCode(for: signed, key: key).base64EncodedString()
    }
}
