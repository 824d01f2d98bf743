import ArgumentParser
import Foundation
import Logging
import ZapgateEngine
import ZapgateMessaging
import ZapgateNoise
import ZapgateQR

/// `zapgate link`: links one device from the terminal with the engine, to try the simulator
/// (or another server speaking the protocol) by hand.
struct LinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link a device from the terminal, by QR code or pairing code (an engine demo).",
        discussion: """
            Connects to --url trusting --root-public-key, then shows each QR code as terminal \
            art followed by its text on a `qr: ` line (paste it into `zapgate sim` as \
            `scan <phone> <qr-text>`). With --phone it asks for a pairing code instead and prints \
            `pairing code: ABCD-EFGH` (in `zapgate sim`: `code <phone> ABCD-EFGH`). It then prints \
            paired, connected, disconnected and logged-out events, and stays connected \
            (reconnecting after transient losses) until a terminal event or Ctrl-C.

            The credentials live only in this process's memory: once it exits the linked device \
            cannot log in again, and the phone keeps listing it until it is removed there. The \
            gateway keeps credentials in its database.
            """
    )

    @Option(help: "The chat WebSocket to connect to.")
    var url = "ws://127.0.0.1:8090/ws/chat"

    @Option(
        help: ArgumentHelp(
            "The server's certificate root public key (64 hex digits), as `zapgate sim` prints it.",
            valueName: "hex"))
    var rootPublicKey: String

    @Option(
        help: ArgumentHelp(
            "Link by pairing code for this phone number instead of by QR code.", valueName: "digits"))
    var phone: String?

    @Option(help: "The name the phone lists this device under.")
    var deviceName = "Zapgate"

    @Flag(help: "Exit (status 0) once logged in, instead of staying connected.")
    var exitWhenConnected = false

    @Flag(help: "Draw QR codes for a light terminal background (dark text) rather than a dark one.")
    var lightBackground = false

    @Option(help: "The lowest level of log written to stderr.")
    var logLevel = LogLevelOption.warning

    func validate() throws {
        guard HexKey.parse(rootPublicKey) != nil else {
            throw ValidationError("--root-public-key must be 64 hex digits (32 bytes)")
        }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
            throw ValidationError("--url must start with ws:// or wss://")
        }
        if let phone {
            let digits = phone.filter { $0 != "+" && $0 != " " && $0 != "-" }
            guard (6...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ValidationError("--phone must be a phone number of 6 to 15 digits")
            }
        }
    }

    func run() async throws {
        LoggingSystem.bootstrapStandardError(level: logLevel)
        guard let rootKey = HexKey.parse(rootPublicKey) else { throw ExitCode.validationFailure }
        let session = DeviceSession(
            store: InMemoryDeviceStore(),
            configuration: DeviceSessionConfiguration(
                noise: .init(
                    url: url, origin: nil, verifier: NoiseCertificateVerifier(trustedRootKey: rootKey)),
                deviceName: deviceName))
        let running = Task { await session.run() }
        let interrupt = Task {
            if await TerminationSignal.next() != nil { running.cancel() }
        }
        defer { interrupt.cancel() }
        Terminal.say("connecting to \(url)")

        var failed = false
        var askedForCode = false
        for await event in session.events {
            switch event {
            case .qr(let code, let expiresAt):
                if let phone {
                    guard !askedForCode else { continue }
                    askedForCode = true
                    do {
                        _ = try await session.requestPairingCode(phoneNumber: phone)
                    } catch {
                        Terminal.complain("error: could not get a pairing code: \(error)")
                        failed = true
                        running.cancel()
                    }
                } else {
                    show(code, expiresAt: expiresAt)
                }
            case .pairingCode(let code):
                Terminal.say("pairing code: \(code)")
                let number = phone.map { $0.filter(\.isNumber) } ?? "<phone>"
                Terminal.say("type it on the phone; in zapgate sim: code \(number) \(code)")
            case .paired(let jid, let lid, let platform):
                Terminal.say(
                    "paired as \(jid)" + (lid.map { " (lid \($0))" } ?? "") + ", phone platform \(platform)")
            case .connected:
                Terminal.say("connected")
                if exitWhenConnected { running.cancel() }
            case .disconnected(let reason):
                Terminal.say("disconnected: \(reason)" + (reason.isTerminal ? "" : "; reconnecting"))
                if reason.isTerminal, reason != .stopped { failed = true }
            case .loggedOut(let reason):
                Terminal.say("logged out: \(reason)")
                failed = true
            case .message(let message):
                Terminal.say(
                    "message \(message.id) from \(message.chat): \(message.message.text ?? "[\(message.kind)]")"
                )
            case .messageStatus(let update):
                Terminal.say("\(update.ids.joined(separator: ",")): \(update.status)")
            case .undecryptable(let report):
                Terminal.say("could not decrypt \(report.id) from \(report.sender); asked again")
            }
        }
        await running.value
        if failed { throw ExitCode.failure }
    }

    /// The QR code as terminal art, then its text on a line of its own for copying.
    private func show(_ code: String, expiresAt: Date) {
        let seconds = max(Int(expiresAt.timeIntervalSinceNow.rounded()), 0)
        Terminal.say("QR code, valid for \(seconds) s; scan it with the phone:")
        do {
            let art = try QRCode(encoding: code).terminalText(inverted: !lightBackground)
            // `say` ends the last row itself.
            Terminal.say(String(art.dropLast(art.hasSuffix("\n") ? 1 : 0)))
        } catch {
            Terminal.complain("warning: could not draw the QR code: \(error)")
        }
        Terminal.say("qr: \(code)")
    }
}
