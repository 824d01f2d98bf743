import Foundation
import ZapgateMessaging
import ZapgateSignal
import ZapgateWire

extension SimulatorRelay {
    /// Below this many one-time prekeys a companion is told to upload more.
    static let lowPreKeyCount = 5

    /// Device lists for a usync query: the phone and every linked companion (with its key
    /// index), and the LID when asked. Unknown users get no devices.
    func deviceLists(for users: [JID], includeLID: Bool) async -> [USyncDevices] {
        var entries: [USyncDevices] = []
        for user in users {
            guard let account = await registry.account(named: user) else {
                entries.append(USyncDevices(user: user.withoutDevice, lid: nil, devices: []))
                continue
            }
            let devices =
                [USyncDevices.Device(id: 0)]
                + account.devices.map { USyncDevices.Device(id: $0.id, keyIndex: $0.keyIndex) }
            entries.append(
                USyncDevices(
                    user: user.withoutDevice, lid: includeLID ? JID(user: account.lid, server: .lid) : nil,
                    devices: devices))
        }
        return entries
    }

    /// A device's prekey bundle, taking one of its one-time prekeys; nil for an unknown device.
    /// A companion left with few prekeys is told so, as the server does.
    func bundle(for device: JID) async -> PreKeyBundle? {
        guard let key = await registry.deviceKey(for: device) else { return nil }
        if key.device == 0 {
            guard let phone = try? await phone(key.phoneNumber) else { return nil }
            return await phone.takeBundle()
        }
        guard let record = await registry.device(key) else { return nil }
        let (preKey, remaining) = await registry.popPreKey(key)
        if remaining < Self.lowPreKeyCount, let connection = await registry.connection(for: key) {
            await connection.send(
                BinaryNode(
                    tag: "notification",
                    attributes: [
                        "from": .jid(.whatsAppServer), "type": "encrypt", "id": .string(UUID().uuidString),
                        "t": .string(String(Int(Date().timeIntervalSince1970))),
                    ],
                    children: [BinaryNode(tag: "count", attributes: ["value": .string(String(remaining))])]))
        }
        return record.bundle(deviceID: key.device, preKey: preKey)
    }

    /// The `<group>` node of a group's metadata for a member, or the error code and text a
    /// non-member or an unknown group gets.
    func groupMetadata(_ group: JID, asker: String) async -> Result<BinaryNode, GroupQueryError> {
        guard let found = groups[group.user] else {
            return .failure(.init(code: 404, text: "item-not-found"))
        }
        guard found.participants.contains(asker) else { return .failure(.init(code: 403, text: "forbidden")) }
        var members: [BinaryNode] = []
        for member in found.participants {
            guard let account = await registry.account(named: JID(user: member, server: .phoneNumber)) else {
                continue
            }
            var attributes: BinaryNode.Attributes = [
                "jid": .jid(JID(user: account.lid, server: .lid)),
                "phone_number": .jid(JID(user: member, server: .phoneNumber)),
            ]
            if member == found.creator { attributes["type"] = "superadmin" }
            members.append(BinaryNode(tag: "participant", attributes: attributes))
        }
        let creation = String(Int(found.created.timeIntervalSince1970))
        return .success(
            BinaryNode(
                tag: "group",
                attributes: [
                    "id": .string(found.id), "creator": .jid(JID(user: found.creator, server: .phoneNumber)),
                    "creation": .string(creation), "subject": .string(found.subject),
                    "s_t": .string(creation),
                    "addressing_mode": "lid",
                ],
                children: members))
    }

    /// Tells the online companions that may have `phoneNumber`'s device list cached (its own,
    /// its contacts', its groups' members') that the list changed.
    func devicesChanged(_ phoneNumber: String, device: UInt16, added: Bool) async {
        guard let account = await registry.account(named: JID(user: phoneNumber, server: .phoneNumber)) else {
            return
        }
        let change = BinaryNode(
            tag: added ? "add" : "remove",
            children: [
                BinaryNode(
                    tag: "device",
                    attributes: ["jid": .jid(JID(user: phoneNumber, server: .phoneNumber, device: device))])
            ])
        let notification = BinaryNode(
            tag: "notification",
            attributes: [
                "from": .jid(JID(user: phoneNumber, server: .phoneNumber)),
                "lid": .jid(JID(user: account.lid, server: .lid)), "type": "devices",
                "id": .string(UUID().uuidString), "t": .string(String(Int(Date().timeIntervalSince1970))),
            ],
            children: [change])
        var audience = contacts[phoneNumber] ?? []
        audience.insert(phoneNumber)
        for group in groups.values where group.participants.contains(phoneNumber) {
            audience.formUnion(group.participants)
        }
        // Held like messages, so a device offline now still learns of it at its next login.
        let id = notification.attributes["id"]?.description ?? ""
        for number in audience {
            for key in await registry.deviceKeys(of: number) where key.device != 0 && key.device != device {
                await deliver(notification, id: id, stanzaClass: "notification", to: key)
            }
        }
    }
}

/// Why a group query was refused.
struct GroupQueryError: Error, Sendable {
    let code: Int
    let text: String
}
