import ArgumentParser
import ZapgateWire

/// The `zapgate` command: the one binary that serves the gateway.
@main
struct Zapgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zapgate",
        abstract: "A self-hosted, multi-tenant WhatsApp gateway.",
        discussion: """
            Zapgate links WhatsApp accounts by QR or pairing code and exposes them through a REST API, \
            signed webhooks and a live event stream.

            This build carries the protocol's lower layers only (crypto, protobuf schema, binary nodes, \
            Noise transport); the gateway server is not built yet, so this command only prints its help \
            and version.
            """,
        version: ZapgateVersion.string
    )
}
