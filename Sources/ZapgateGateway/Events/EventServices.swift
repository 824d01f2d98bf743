import ZapgateStore

/// What the API's event and webhook handlers share with the deliverer: the hub that rings on
/// new events, the box that seals webhook secrets, the delivery settings and the sender (for
/// test pings).
struct EventServices: Sendable {
    let hub: EventHub
    let secrets: SecretBox
    let settings: WebhookSettings
    let sender: WebhookSender
}
