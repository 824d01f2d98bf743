import Foundation
import ZapgateMessaging
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

extension SimulatorConnection {
    /// One stanza from the companion.
    func receive(_ node: BinaryNode) async {
        switch node.tag {
        case "iq":
            let type = node.attributes["type"]?.description
            if type == "result" || type == "error" {
                replyArrived(node)
            } else {
                await answer(node)
            }
        case "message", "receipt", "ack":
            await relayStanza(node)
        case "ib", "presence":
            // ib carries client telemetry; presence has no audience yet.
            break
        default:
            logger.debug("unhandled stanza from a companion", metadata: ["tag": "\(node.tag)"])
        }
    }

    /// Answers a companion's `<iq>` request, as the real server would.
    private func answer(_ iq: BinaryNode) async {
        let xmlns = iq.attributes["xmlns"]?.description ?? ""
        let type = iq.attributes["type"]?.description ?? ""
        let first = iq.children.first
        switch (xmlns, type, first?.tag) {
        case ("w:p", "get", _):
            await send(iq.iqResult(from: true))
        case ("md", "set", "link_code_companion_reg"):
            await linkCodeStage(iq)
        case ("md", "set", "remove-companion-device"):
            await removeSelf(iq)
        case ("w:m", "set", "media_conn"):
            await answerMediaConnection(iq)
        case ("encrypt", "get", "count"), ("encrypt", "set", _), ("encrypt", "get", "digest"),
            ("passive", "set", _), ("abt", "get", _), ("privacy", "get", _), ("blocklist", "get", _):
            guard case .device(let key) = role else {
                await send(iq.iqError(code: 401, text: "not-authorized", from: true))
                return
            }
            await answerLoggedIn(iq, key: key, xmlns: xmlns, type: type)
        case ("usync", "get", _), ("encrypt", "get", "key"), ("w:g2", "get", _):
            await answerMessagingQuery(iq, xmlns: xmlns)
        default:
            await send(iq.iqError(code: 501, text: "feature-not-implemented", from: true))
        }
    }

    private func answerLoggedIn(
        _ iq: BinaryNode, key: SimulatorRegistry.DeviceKey, xmlns: String, type: String
    )
        async
    {
        switch (xmlns, type) {
        case ("encrypt", "get") where iq.child("count") != nil:
            let count = await registry.device(key)?.preKeys.count ?? 0
            await send(
                iq.iqResult(
                    children: [BinaryNode(tag: "count", attributes: ["value": .string(String(count))])],
                    from: true))
        case ("encrypt", "get"):
            await send(iq.iqResult(children: [await digest(for: key)], from: true))
        case ("encrypt", "set"):
            await storeUpload(iq, key: key)
        case ("abt", "get"):
            await send(
                iq.iqResult(
                    children: [
                        BinaryNode(
                            tag: "props", attributes: ["protocol": "1", "ab_key": "", "refresh": "86400"])
                    ],
                    from: true))
        case ("privacy", "get"):
            await send(iq.iqResult(children: [BinaryNode(tag: "privacy")], from: true))
        case ("blocklist", "get"):
            await send(iq.iqResult(children: [BinaryNode(tag: "list")], from: true))
        default:
            await send(iq.iqResult(from: true))
        }
    }

    private func storeUpload(_ iq: BinaryNode, key: SimulatorRegistry.DeviceKey) async {
        let upload: PreKeyUpload
        do {
            upload = try PreKeyUpload(request: iq)
        } catch {
            await send(iq.iqError(code: 400, text: "bad-request", from: true))
            return
        }
        guard let record = await registry.device(key), upload.identityKey == record.identityKey,
            let signature = upload.signedPreKey.signature,
            SignalKeys.verifySignedPreKey(
                publicKey: upload.signedPreKey.publicKey, signature: signature,
                identityKey: record.identityKey)
        else {
            await send(iq.iqError(code: 406, text: "not-acceptable", from: true))
            return
        }
        await registry.modifyDevice(key) { device in
            device.registrationID = upload.registrationID
            device.signedPreKeyID = upload.signedPreKey.id
            device.signedPreKey = upload.signedPreKey.publicKey
            device.signedPreKeySignature = signature
            for preKey in upload.preKeys { device.preKeys[preKey.id] = preKey.publicKey }
        }
        await send(iq.iqResult(from: true))
    }

    /// What the server holds for the device, in the shape Baileys checks for: the bundle's
    /// keys without a one-time prekey, then the ids of those left.
    private func digest(for key: SimulatorRegistry.DeviceKey) async -> BinaryNode {
        guard let record = await registry.device(key) else { return BinaryNode(tag: "digest") }
        let ids = record.preKeys.keys.sorted()
        return BinaryNode(
            tag: "digest",
            children: PreKeyBundleQuery.children(of: record.bundle(deviceID: key.device, preKey: nil)) + [
                BinaryNode(
                    tag: "list",
                    children: ids.map { BinaryNode(tag: "id", bytes: BigEndianBytes.encode($0, width: 3)) })
            ])
    }

    /// The companion logs itself out: forget it, confirm, close.
    private func removeSelf(_ iq: BinaryNode) async {
        guard case .device(let key) = role else {
            await send(iq.iqError(code: 401, text: "not-authorized", from: true))
            return
        }
        _ = await registry.removeDevice(key)
        await send(iq.iqResult(from: true))
        await close()
    }
}
