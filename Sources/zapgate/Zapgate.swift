import ArgumentParser
import ZapgateWire

/// The `zapgate` command: the one binary that serves the gateway.
@main
struct Zapgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zapgate",
        abstract: "A self-hosted, multi-tenant WhatsApp gateway.",
        discussion: """
            Zapgate links WhatsApp accounts by QR or pairing code and exposes them through a REST API,
            signed webhooks and a live event stream. This build carries the wire layer only; the
            gateway server is not built yet.
            """,
        version: ZapgateVersion.string
    )
}
