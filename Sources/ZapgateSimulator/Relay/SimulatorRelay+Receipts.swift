import Foundation
import ZapgateMessaging
import ZapgateWire

extension SimulatorRelay {
    /// A `<receipt>` from device `from`: the messages it names are no longer held for it, and
    /// the receipt goes on to the device that sent them (retry requests with their keys).
    func receipt(_ node: BinaryNode, from: DeviceKey) async {
        guard let receipt = try? Receipt(node: node, addressKey: "to") else {
            logger.debug("malformed receipt from a device")
            return
        }
        acknowledged(receipt.ids, stanzaClass: "message", by: from)
        // The receipt names the message's sender: the device in a direct chat, the participant
        // in a group. A read receipt names only the person, so every device of the sender's
        // account gets it, as with the real server; devices that did not send the message
        // ignore it.
        let senderJID = receipt.chat.isGroup ? receipt.participant : receipt.chat
        guard let senderJID, let account = await registry.account(named: senderJID) else { return }
        guard let fromJID = await registry.jid(of: from, lid: senderJID.server == .lid) else { return }
        var forwarded = receipt
        forwarded.timestamp = Date()
        if receipt.chat.isGroup {
            forwarded.participant = fromJID
        } else {
            forwarded.chat = fromJID
            forwarded.participant = nil
        }
        let node = forwarded.node(addressKey: "from")
        for target in await registry.deviceKeys(of: account.phoneNumber) where target != from {
            await deliver(node, id: receipt.ids.first ?? "", stanzaClass: "receipt", to: target)
        }
    }

    /// An `<ack>` from a device: for a message it will not receipt (it failed to handle it), or
    /// for a receipt or notification we sent.
    func ack(_ node: BinaryNode, from: DeviceKey) {
        guard let id = try? node.string("id"), let stanzaClass = try? node.string("class") else { return }
        acknowledged([id], stanzaClass: stanzaClass, by: from)
    }
}
