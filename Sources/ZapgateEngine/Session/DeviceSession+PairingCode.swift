import Foundation
import ZapgateCrypto
import ZapgateProtocol
import ZapgateWire

extension DeviceSession {
    /// Asks the server for a pairing code for `phoneNumber` (international digits, no `+`) and
    /// returns it as shown to people (`ABCD-EFGH`); a ``DeviceEvent/pairingCode(_:)`` event
    /// carries it too. Call it after the first ``DeviceEvent/qr(code:expiresAt:)`` event, while
    /// the server waits for this device to link; the QR codes stay valid meanwhile.
    public func requestPairingCode(phoneNumber: String) async throws(EngineError) -> String {
        let digits = phoneNumber.filter { $0 != "+" && $0 != " " && $0 != "-" }
        guard (6...15).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber)
        else {
            throw .invalidPhoneNumber(phoneNumber)
        }
        guard let current = link, current.awaitingPairing, !current.pairingFinished, let credentials,
            credentials.account == nil
        else { throw .notAwaitingPairing }
        let code = PairingCode.generate()
        let ephemeral = Curve25519KeyPair.generate()
        let wrapped: Data
        do {
            wrapped = try PairingCode.wrap(ephemeral.publicKey, code: code)
        } catch {
            throw .protocolViolation("could not wrap the pairing key: \(error)")
        }
        let hello = BinaryNode(
            tag: "link_code_companion_reg",
            attributes: [
                "jid": .jid(JID(user: digits, server: .phoneNumber)), "stage": "companion_hello",
                "should_show_push_notification": "true",
            ],
            children: [
                BinaryNode(tag: "link_code_pairing_wrapped_companion_ephemeral_pub", bytes: wrapped),
                BinaryNode(tag: "companion_server_auth_key_pub", bytes: credentials.noiseKey.publicKey),
                BinaryNode(tag: "companion_platform_id", bytes: Data(configuration.clientType.utf8)),
                BinaryNode(
                    tag: "companion_platform_display", bytes: Data(configuration.pairingDisplayName.utf8)),
                BinaryNode(tag: "link_code_pairing_nonce", bytes: Data([0])),
            ])
        let answer = try await query(type: "set", xmlns: "md", children: [hello])
        guard let ref = answer.child(path: "link_code_companion_reg", "link_code_pairing_ref")?.bytes else {
            throw .protocolViolation("companion_hello answer has no link_code_pairing_ref")
        }
        guard var latest = link, latest.generation == current.generation else { throw .connectionClosed }
        guard !latest.pairingFinished else { throw .notAwaitingPairing }
        latest.pendingCode = PendingPairingCode(
            code: code, phoneNumber: digits, ephemeral: ephemeral, ref: ref)
        link = latest
        let shown = PairingCode.display(code)
        eventSink.yield(.pairingCode(shown))
        return shown
    }

    /// The phone's `link_code_companion_reg` notification: the code was typed. Derive the adv
    /// secret from both ephemerals and both identities, and send our key bundle.
    func pairingCodeEntered(_ node: BinaryNode) async {
        guard let pending = link?.pendingCode, let current = credentials,
            let registration = node.child("link_code_companion_reg")
        else { return }
        guard registration.child("link_code_pairing_ref")?.bytes == pending.ref,
            let primaryIdentity = registration.child("primary_identity_pub")?.bytes,
            primaryIdentity.count == 32,
            let wrapped = registration.child("link_code_pairing_wrapped_primary_ephemeral_pub")?.bytes
        else {
            logger.warning("pairing-code notification does not match the pending code")
            return
        }
        let bundle: Data
        do {
            let primaryEphemeral = try PairingCode.unwrap(wrapped, code: pending.code)
            let ephemeralShared = try pending.ephemeral.sharedSecret(with: primaryEphemeral)
            let random = SecureRandom.bytes(32)
            bundle = try PairingCode.sealKeyBundle(
                ephemeralShared: ephemeralShared, companionIdentity: current.identityKey.publicKey,
                primaryIdentity: primaryIdentity, random: random)
            link?.codeAdvSecret = PairingCode.advSecret(
                ephemeralShared: ephemeralShared,
                identityShared: try current.identityKey.sharedSecret(with: primaryIdentity), random: random)
            link?.pendingCode = nil
        } catch {
            logger.warning("pairing-code exchange failed", metadata: ["error": "\(error)"])
            return
        }
        let finishNode = BinaryNode(
            tag: "link_code_companion_reg",
            attributes: [
                "jid": .jid(JID(user: pending.phoneNumber, server: .phoneNumber)),
                "stage": "companion_finish",
            ],
            children: [
                BinaryNode(tag: "link_code_pairing_wrapped_key_bundle", bytes: bundle),
                BinaryNode(tag: "companion_identity_public", bytes: current.identityKey.publicKey),
                BinaryNode(tag: "link_code_pairing_ref", bytes: pending.ref),
            ])
        do {
            _ = try await query(type: "set", xmlns: "md", children: [finishNode])
        } catch {
            logger.warning("companion_finish failed", metadata: ["error": "\(error)"])
        }
    }
}
