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

            `zapgate serve` runs the gateway (add --sandbox to try it without a phone); \
            `zapgate sim` runs the simulator, a local stand-in for WhatsApp's servers whose phone \
            is driven from stdin, and `zapgate link` links one device to it (or to another server) \
            from the terminal. See the README, docs/api.md and docs/simulator.md.
            """,
        version: ZapgateVersion.string,
        subcommands: [ServeCommand.self, SimCommand.self, LinkCommand.self]
    )
}
