import Foundation
import SwiftProtobuf
import ZapgateProto
import ZapgateProtocol
import ZapgateWire

extension DeviceSession {
    /// `<pair-device>`: the server is ready to link us and sent the refs our QR codes carry.
    func pairDeviceReceived(_ node: BinaryNode) async {
        let from = try? node.optionalJID("from")
        guard from == .whatsAppServer, var current = link, let credentials, credentials.account == nil else {
            try? await send(node.iqError(code: 400, text: "bad-request", from: false))
            return
        }
        try? await send(node.iqResult(from: false))
        let refs = node.child("pair-device")?.children(tagged: "ref").compactMap(\.text) ?? []
        current.awaitingPairing = true
        link = current
        let generation = current.generation
        startJob { [weak self] in await self?.showQRCodes(refs: refs, generation: generation) }
    }

    /// Emits one QR code per ref, each for its timeout; when all have expired unscanned the
    /// connection ends for good (linking needs someone at the phone; retrying would loop).
    private func showQRCodes(refs: [String], generation: Int) async {
        guard let credentials else { return }
        for (index, ref) in refs.enumerated() {
            guard let current = link, current.generation == generation, !current.pairingFinished else {
                return
            }
            let timeout = index == 0 ? configuration.firstQRTimeout : configuration.laterQRTimeout
            let code = LinkingQRCode(
                ref: ref, noisePublicKey: credentials.noiseKey.publicKey,
                identityPublicKey: credentials.identityKey.publicKey, advSecret: credentials.advSecret,
                clientType: configuration.clientType)
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
            eventSink.yield(.qr(code: code.text, expiresAt: Date().addingTimeInterval(seconds)))
            do { try await Task.sleep(for: timeout) } catch { return }
        }
        guard let current = link, current.generation == generation, !current.pairingFinished else { return }
        await finish(.terminal(.qrCodesExpired))
    }

    /// `<pair-success>`: check the phone's proofs exactly as whatsmeow does, store the
    /// account, countersign, and wait for the server's 515.
    func pairSuccessReceived(_ node: BinaryNode) async {
        guard var current = link, var updated = credentials, updated.account == nil,
            let success = node.child("pair-success")
        else {
            try? await send(node.iqError(code: 500, text: "internal-error", from: false))
            return
        }
        current.pairingFinished = true
        link = current
        guard let container = success.child("device-identity")?.bytes,
            let device = success.child("device"), let jid = try? device.jid("jid"),
            jid.server == .phoneNumber, jid.device != 0, UInt64(jid.user) != nil
        else {
            await rejectPairing(
                node, code: 500, text: "internal-error", why: "pair-success lacks a valid device JID")
            return
        }
        // The phone keyed its HMAC with the QR's secret, or with the pairing code's if it was typed.
        let secrets = [updated.advSecret] + (current.codeAdvSecret.map { [$0] } ?? [])
        var verified: DeviceIdentitySigning.Verified?
        var failure = ProtocolError.verificationFailed("hmac-mismatch")
        for secret in secrets where verified == nil {
            do {
                verified = try DeviceIdentitySigning.verifyAndCountersign(
                    container: container, advSecret: secret, companionIdentity: updated.identityKey)
                updated.advSecret = secret
            } catch {
                failure = error
            }
        }
        guard let verified else {
            switch failure {
            case .verificationFailed(let text): await rejectPairing(node, code: 401, text: text, why: text)
            case .malformed(let why): await rejectPairing(node, code: 500, text: "internal-error", why: why)
            }
            return
        }
        let platform = success.child("platform").flatMap { try? $0.optionalString("name") } ?? ""
        let business = success.child("biz").flatMap { try? $0.optionalString("name") }
        var withoutAccountKey = verified.signedIdentity
        withoutAccountKey.clearAccountSignatureKey()
        let reply: Data
        do {
            updated.account = LinkedAccount(
                jid: jid, lid: (try? device.optionalJID("lid")) ?? nil, platform: platform,
                businessName: business,
                signedIdentity: try verified.signedIdentity.serializedData(),
                accountIdentityKey: verified.signedIdentity.accountSignatureKey,
                keyIndex: verified.details.keyIndex)
            reply = try withoutAccountKey.serializedData()
            try await save(updated)
        } catch {
            await rejectPairing(
                node, code: 500, text: "internal-error", why: "could not store the account: \(error)")
            return
        }
        let sign = BinaryNode(
            tag: "pair-device-sign",
            children: [
                BinaryNode(
                    tag: "device-identity",
                    attributes: ["key-index": .string(String(verified.details.keyIndex))],
                    bytes: reply)
            ])
        do {
            try await send(node.iqResult(children: [sign], from: false))
        } catch {
            // Without our countersignature the server will not know the device: forget the
            // account so the next attempt registers afresh instead of failing its login.
            updated.account = nil
            try? await save(updated)
            await finish(.transient(.connectionLost("could not confirm pairing: \(error)")))
            return
        }
        eventSink.yield(.paired(jid: jid, lid: updated.account?.lid, platform: platform))
        logger.info("paired", metadata: ["platform": "\(platform)"])
    }

    private func rejectPairing(_ node: BinaryNode, code: Int, text: String, why: String) async {
        logger.warning("pair-success rejected", metadata: ["why": "\(why)"])
        try? await send(node.iqError(code: code, text: text, from: false))
        await finish(.terminal(.pairingRejected(why)))
    }
}
