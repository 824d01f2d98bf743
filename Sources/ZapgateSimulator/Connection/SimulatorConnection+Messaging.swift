import Foundation
import ZapgateMessaging
import ZapgateWire

extension SimulatorConnection {
    /// A message, receipt or ack from a logged-in companion, handed to the relay.
    func relayStanza(_ node: BinaryNode) async {
        guard case .device(let key) = role else { return }
        switch node.tag {
        case "message": await send(await relay.relay(node, from: key))
        case "receipt": await relay.receipt(node, from: key)
        default: await relay.ack(node, from: key)
        }
    }

    /// Device lists, prekey bundles and group metadata, for logged-in companions.
    func answerMessagingQuery(_ iq: BinaryNode, xmlns: String) async {
        guard case .device(let key) = role else {
            await send(iq.iqError(code: 401, text: "not-authorized", from: true))
            return
        }
        switch xmlns {
        case "usync":
            guard let (users, wantsLID) = try? USyncDeviceQuery.requestedUsers(in: iq) else {
                await send(iq.iqError(code: 400, text: "bad-request", from: true))
                return
            }
            let sid = (try? iq.child("usync")?.optionalString("sid")) ?? nil
            let lists = await relay.deviceLists(for: users, includeLID: wantsLID)
            await send(iq.iqResult(children: [USyncDeviceQuery.answer(lists, sid: sid ?? "")], from: true))
        case "encrypt":
            guard let devices = try? PreKeyBundleQuery.requestedDevices(in: iq) else {
                await send(iq.iqError(code: 400, text: "bad-request", from: true))
                return
            }
            var users: [BinaryNode] = []
            for device in devices {
                if let bundle = await relay.bundle(for: device) {
                    users.append(PreKeyBundleQuery.answer(device: device, bundle: bundle))
                } else {
                    users.append(
                        PreKeyBundleQuery.answer(device: device, errorCode: 404, text: "item-not-found"))
                }
            }
            await send(iq.iqResult(children: [BinaryNode(tag: "list", children: users)], from: true))
        default:
            guard let group = (try? iq.optionalJID("to")) ?? nil, group.isGroup else {
                await send(iq.iqError(code: 400, text: "bad-request", from: true))
                return
            }
            switch await relay.groupMetadata(group, asker: key.phoneNumber) {
            case .success(let metadata):
                var answer = iq.iqResult(children: [metadata], from: true)
                answer.attributes["from"] = .jid(group)
                await send(answer)
            case .failure(let refusal):
                var answer = iq.iqError(code: refusal.code, text: refusal.text, from: true)
                answer.attributes["from"] = .jid(group)
                await send(answer)
            }
        }
    }
}
