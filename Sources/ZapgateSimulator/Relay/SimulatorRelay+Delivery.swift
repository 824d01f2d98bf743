import Foundation
import ZapgateMessaging
import ZapgateWire

extension SimulatorRelay {
    /// A `<message>` from `sender`: checked, delivered to each device it is for, and answered
    /// with the server's `<ack class="message">` (with `error` when refused).
    func relay(_ node: BinaryNode, from sender: DeviceKey) async -> BinaryNode {
        guard let id = try? node.string("id"), let to = try? node.jid("to") else {
            return Self.messageAck(id: (try? node.optionalString("id")) ?? "", to: nil, error: 400)
        }
        let deliveries: [(DeviceKey, BinaryNode)]
        if to.isGroup {
            guard let group = groups[to.user] else { return Self.messageAck(id: id, to: to, error: 404) }
            guard group.participants.contains(sender.phoneNumber) else {
                return Self.messageAck(id: id, to: to, error: 403)
            }
            deliveries = await groupDeliveries(node, id: id, group: group, sender: sender)
        } else {
            guard let recipient = await registry.account(named: to) else {
                return Self.messageAck(id: id, to: to, error: 404)
            }
            contacts[sender.phoneNumber, default: []].insert(recipient.phoneNumber)
            contacts[recipient.phoneNumber, default: []].insert(sender.phoneNumber)
            deliveries = await directDeliveries(node, id: id, to: to, sender: sender)
        }
        for (target, delivery) in deliveries {
            await deliver(delivery, id: id, stanzaClass: "message", to: target)
        }
        return Self.messageAck(id: id, to: to, error: nil)
    }

    static func messageAck(id: String, to: JID?, error: Int?) -> BinaryNode {
        var attributes: BinaryNode.Attributes = ["class": "message", "id": .string(id)]
        if let to { attributes["from"] = .jid(to) }
        attributes["t"] = .string(String(Int(Date().timeIntervalSince1970)))
        if let error { attributes["error"] = .string(String(error)) }
        return BinaryNode(tag: "ack", attributes: attributes)
    }

    /// What each recipient device of a message to a person gets: its own `<enc>` (from
    /// `<participants>`, or the direct `<enc>` of a message for one device, as retries are).
    private func directDeliveries(
        _ node: BinaryNode, id: String, to: JID, sender: DeviceKey
    ) async -> [(DeviceKey, BinaryNode)] {
        let lid = to.server == .lid
        guard let senderJID = await registry.jid(of: sender, lid: lid),
            let senderAlternate = await registry.jid(of: sender, lid: !lid)
        else { return [] }
        var targets: [(JID, [BinaryNode])] = []
        if let participants = node.child("participants") {
            for entry in participants.children(tagged: "to") {
                guard let device = try? entry.jid("jid") else { continue }
                targets.append((device, entry.children(tagged: "enc")))
            }
        } else {
            targets.append((to, node.children(tagged: "enc")))
        }
        let identity = node.child("device-identity")
        var deliveries: [(DeviceKey, BinaryNode)] = []
        for (device, encs) in targets where !encs.isEmpty {
            guard let key = await registry.deviceKey(for: device), key != sender else { continue }
            var attributes = Self.baseAttributes(of: node, id: id)
            attributes["from"] = .jid(senderJID)
            if key.phoneNumber == sender.phoneNumber {
                // A copy for one of the sender's own devices: it needs the chat.
                let recipient = (try? node.optionalJID("recipient")) ?? nil
                attributes["recipient"] = .jid(recipient ?? to.withoutDevice)
            } else {
                attributes[lid ? "sender_pn" : "sender_lid"] = .jid(senderAlternate.withoutDevice)
            }
            deliveries.append(
                (
                    key,
                    BinaryNode(
                        tag: "message", attributes: attributes, children: encs + [identity].compactMap { $0 })
                ))
        }
        return deliveries
    }

    /// What each member device of a group gets: its pairwise `<enc>` (the sender key, or the
    /// whole message on a retry) if there is one, then the group `<enc type="skmsg">`.
    private func groupDeliveries(
        _ node: BinaryNode, id: String, group: SimulatedGroup, sender: DeviceKey
    ) async -> [(DeviceKey, BinaryNode)] {
        guard let senderLID = await registry.jid(of: sender, lid: true),
            let senderPN = await registry.jid(of: sender, lid: false)
        else { return [] }
        var pairwise: [DeviceKey: [BinaryNode]] = [:]
        for entry in node.child("participants")?.children(tagged: "to") ?? [] {
            guard let device = try? entry.jid("jid"), let key = await registry.deviceKey(for: device) else {
                continue
            }
            pairwise[key] = entry.children(tagged: "enc")
        }
        let direct = node.children(tagged: "enc")
        var targets: [DeviceKey]
        let isRetry = node.child("participants") == nil && node.attributes["participant"] != nil
        if isRetry, let only = (try? node.optionalJID("participant")) ?? nil {
            // A retry: one device, whose copy is the direct pairwise <enc>.
            guard let key = await registry.deviceKey(for: only) else { return [] }
            pairwise[key] = direct
            targets = [key]
        } else {
            targets = []
            for member in group.participants { targets += await registry.deviceKeys(of: member) }
        }
        let skmsg = direct.filter { (try? $0.optionalString("type")) == "skmsg" }
        let identity = node.child("device-identity")
        var deliveries: [(DeviceKey, BinaryNode)] = []
        for key in targets where key != sender {
            var encs = pairwise[key] ?? []
            if !isRetry { encs += skmsg }
            guard !encs.isEmpty else { continue }
            var attributes = Self.baseAttributes(of: node, id: id)
            attributes["from"] = .jid(group.jid)
            attributes["participant"] = .jid(senderLID)
            attributes["participant_pn"] = .jid(senderPN.withoutDevice)
            attributes["addressing_mode"] = "lid"
            deliveries.append(
                (
                    key,
                    BinaryNode(
                        tag: "message", attributes: attributes, children: encs + [identity].compactMap { $0 })
                ))
        }
        return deliveries
    }

    private static func baseAttributes(of node: BinaryNode, id: String) -> BinaryNode.Attributes {
        var attributes: BinaryNode.Attributes = [
            "id": .string(id), "t": .string(String(Int(Date().timeIntervalSince1970))),
        ]
        attributes["type"] = node.attributes["type"] ?? "text"
        if let edit = node.attributes["edit"] { attributes["edit"] = edit }
        return attributes
    }

    /// Hands a stanza to a device: the phone processes it at once; a companion gets it now if
    /// online, and it is held until the companion acknowledges it.
    func deliver(_ node: BinaryNode, id: String, stanzaClass: String, to key: DeviceKey) async {
        if key.device == 0 {
            guard let phone = try? await phone(key.phoneNumber) else { return }
            if stanzaClass == "message" {
                await phone.receive(node)
            } else {
                await phone.receiptArrived(node)
            }
            return
        }
        sequence += 1
        var queue = pending[key] ?? []
        queue.append(PendingDelivery(sequence: sequence, id: id, stanzaClass: stanzaClass, node: node))
        if queue.count > Self.maximumPending {
            logger.warning(
                "dropping undelivered stanzas", metadata: ["device": "\(key.phoneNumber):\(key.device)"])
            queue.removeFirst(queue.count - Self.maximumPending)
        }
        pending[key] = queue
        if flushing[key] == nil, let connection = await registry.connection(for: key) {
            await connection.send(node)
        }
    }

    /// Sends a companion that just logged in everything it has not acknowledged, in order,
    /// messages marked `offline`; returns how many.
    func flush(_ key: DeviceKey, to connection: SimulatorConnection) async -> Int {
        let owner = ObjectIdentifier(connection)
        flushing[key] = owner
        defer { if flushing[key] == owner { flushing[key] = nil } }
        var last: UInt64 = 0
        var count = 0
        // A newer login of the same device takes over the backlog.
        while await registry.connection(for: key) === connection {
            let batch = (pending[key] ?? []).filter { $0.sequence > last }
            guard !batch.isEmpty else { break }
            for entry in batch {
                var node = entry.node
                if entry.stanzaClass == "message" { node.attributes["offline"] = "1" }
                await connection.send(node)
                last = entry.sequence
                count += 1
            }
        }
        return count
    }

    /// A device acknowledged stanzas of `stanzaClass` with these ids: stop holding them. A
    /// message is done with at its first receipt; of several receipts with one id (delivered,
    /// then read) an ack clears the oldest only.
    func acknowledged(_ ids: [String], stanzaClass: String, by key: DeviceKey) {
        guard var queue = pending[key] else { return }
        if stanzaClass == "message" {
            let acknowledged = Set(ids)
            queue.removeAll { $0.stanzaClass == stanzaClass && acknowledged.contains($0.id) }
        } else {
            for id in ids {
                if let index = queue.firstIndex(where: { $0.stanzaClass == stanzaClass && $0.id == id }) {
                    queue.remove(at: index)
                }
            }
        }
        pending[key] = queue.isEmpty ? nil : queue
    }

    /// Holds new deliveries for `key` until `connection`'s login flush (called before the
    /// device is marked online, so nothing overtakes the backlog).
    func beginFlush(_ key: DeviceKey, for connection: SimulatorConnection) {
        flushing[key] = ObjectIdentifier(connection)
    }
}
