import Foundation
import ZapgateCrypto
import ZapgateProto
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

extension SimulatorConnection {
    /// A new companion: check what it registers, hand it refs for its QR codes.
    func register(_ payload: WAClientPayload) async {
        let registration: CompanionRegistration
        do {
            registration = try CompanionRegistration(pairingData: payload.devicePairingData)
        } catch {
            logger.info("registration refused", metadata: ["why": "\(error)"])
            await send(BinaryNode(tag: "failure", attributes: ["reason": "400"]))
            return
        }
        guard
            SignalKeys.verifySignedPreKey(
                publicKey: registration.signedPreKey, signature: registration.signedPreKeySignature,
                identityKey: registration.identityKey)
        else {
            logger.info("registration refused: bad signed prekey signature")
            await send(BinaryNode(tag: "failure", attributes: ["reason": "400"]))
            return
        }
        role = .registering(registration)
        let refs = (0..<configuration.refsPerPairing).map { _ in
            "2@" + SecureRandom.bytes(24).base64EncodedString()
        }
        await registry.addPending(
            refs: refs,
            PendingRegistration(
                connection: self, registration: registration, noiseKey: connection.session.remoteStaticKey))
        let pairDevice = BinaryNode(
            tag: "iq",
            attributes: [
                "from": .jid(.whatsAppServer), "type": "set", "id": .string(nextID()), "xmlns": "md",
            ],
            children: [
                BinaryNode(
                    tag: "pair-device", children: refs.map { BinaryNode(tag: "ref", bytes: Data($0.utf8)) })
            ])
        // The answer is a plain result; the reader files it without anyone waiting.
        await send(pairDevice)
    }

    /// A linked companion: it must name a device we know and hold the noise key it linked with.
    func login(_ payload: WAClientPayload) async {
        let key = SimulatorRegistry.DeviceKey(
            phoneNumber: String(payload.username), device: UInt16(truncatingIfNeeded: payload.device))
        if let failure = await registry.takeScheduledFailure(for: key) {
            await send(BinaryNode(tag: "failure", attributes: ["reason": .string(String(failure.rawValue))]))
            return
        }
        guard payload.hasUsername, payload.hasDevice, let record = await registry.device(key),
            ConstantTime.equal(record.noiseKey, connection.session.remoteStaticKey)
        else {
            await send(BinaryNode(tag: "failure", attributes: ["reason": "401"]))
            return
        }
        role = .device(key)
        linked = true
        await relay.beginFlush(key, for: self)
        if let replaced = await registry.setOnline(key, self) {
            await replaced.end(with: .replaced)
        }
        let lid = await registry.account(key.phoneNumber).lid
        await send(
            BinaryNode(
                tag: "success",
                attributes: [
                    "t": .string(String(Int(Date().timeIntervalSince1970))),
                    "lid": .jid(JID(user: lid, server: .lid)), "location": "sim",
                ]))
        // What arrived while it was away, then the marker that ends the backlog (Baileys waits
        // for it).
        let backlog = await relay.flush(key, to: self)
        await send(
            BinaryNode(
                tag: "ib",
                children: [BinaryNode(tag: "offline", attributes: ["count": .string(String(backlog))])]))
        logger.debug("device logged in", metadata: ["device": "\(key.phoneNumber):\(record.id)"])
    }
}
