import Foundation
import ZapgateProtocol
import ZapgateWire

/// One user's entry in a usync device-list answer: the devices that can receive messages and,
/// when asked for, the user's LID.
public struct USyncDevices: Sendable, Equatable {
    /// A device of the user: its number and the key index the account signed it with (none for
    /// the phone, device 0).
    public struct Device: Sendable, Equatable {
        public var id: UInt16
        public var keyIndex: UInt32?

        public init(id: UInt16, keyIndex: UInt32? = nil) {
            self.id = id
            self.keyIndex = keyIndex
        }
    }

    /// The user as queried (phone-number or LID JID, no device).
    public var user: JID
    /// The user's LID, when the query asked for it and the server knows it.
    public var lid: JID?
    /// The devices; empty when the user is not on WhatsApp.
    public var devices: [Device]

    public init(user: JID, lid: JID?, devices: [Device]) {
        self.user = user
        self.lid = lid
        self.devices = devices
    }
}

/// The usync query for device lists, as the web client sends it before a message: devices
/// (version 2) and LIDs of several users in one request.
public enum USyncDeviceQuery {
    /// The `<usync>` child of the request `<iq xmlns="usync" type="get">`.
    public static func request(users: [JID], sid: String) -> BinaryNode {
        BinaryNode(
            tag: "usync",
            attributes: [
                "sid": .string(sid), "mode": "query", "last": "true", "index": "0", "context": "message",
            ],
            children: [
                BinaryNode(
                    tag: "query",
                    children: [
                        BinaryNode(tag: "devices", attributes: ["version": "2"]), BinaryNode(tag: "lid"),
                    ]),
                BinaryNode(
                    tag: "list",
                    children: users.map {
                        BinaryNode(tag: "user", attributes: ["jid": .jid($0.withoutDevice)])
                    }),
            ])
    }

    /// The users a request asks about, and whether it wants their LIDs (server side).
    public static func requestedUsers(in iq: BinaryNode) throws(MessagingError) -> (
        users: [JID], wantsLID: Bool
    ) {
        guard let usync = iq.child("usync"), let list = usync.child("list") else {
            throw .malformed("usync request without <usync><list>")
        }
        var users: [JID] = []
        for user in list.children(tagged: "user") {
            guard let jid = try? user.jid("jid") else { throw .malformed("usync <user> without a jid") }
            users.append(jid)
        }
        return (users, usync.child(path: "query", "lid") != nil)
    }

    /// The `<usync>` child of the answer (server side). Users not on WhatsApp get an empty
    /// device list.
    public static func answer(_ entries: [USyncDevices], sid: String) -> BinaryNode {
        let users = entries.map { entry -> BinaryNode in
            let devices = entry.devices.map { device -> BinaryNode in
                var attributes: BinaryNode.Attributes = ["id": .string(String(device.id))]
                if let keyIndex = device.keyIndex { attributes["key-index"] = .string(String(keyIndex)) }
                return BinaryNode(tag: "device", attributes: attributes)
            }
            var children = [
                BinaryNode(tag: "devices", children: [BinaryNode(tag: "device-list", children: devices)])
            ]
            if let lid = entry.lid { children.append(BinaryNode(tag: "lid", attributes: ["val": .jid(lid)])) }
            return BinaryNode(tag: "user", attributes: ["jid": .jid(entry.user)], children: children)
        }
        return BinaryNode(
            tag: "usync", attributes: ["sid": .string(sid), "mode": "query", "last": "true", "index": "0"],
            children: [BinaryNode(tag: "list", children: users)])
    }

    /// Reads an answer `<iq>`. Non-zero devices without a key index are dropped, as the web
    /// client does: the account has not vouched for them.
    public static func parse(answer iq: BinaryNode) throws(MessagingError) -> [USyncDevices] {
        guard let list = iq.child(path: "usync", "list") else {
            throw .malformed("usync answer without <list>")
        }
        var entries: [USyncDevices] = []
        for user in list.children(tagged: "user") {
            guard let jid = try? user.jid("jid") else {
                throw .malformed("usync answer <user> without a jid")
            }
            var devices: [USyncDevices.Device] = []
            for device in user.child(path: "devices", "device-list")?.children(tagged: "device") ?? [] {
                guard let id = try? device.integer("id", as: UInt16.self) else {
                    throw .malformed("usync <device> without a numeric id")
                }
                let keyIndex = (try? device.optionalInteger("key-index", as: UInt32.self)) ?? nil
                if id != 0 && keyIndex == nil { continue }
                devices.append(.init(id: id, keyIndex: keyIndex))
            }
            let lid = (try? user.child("lid")?.optionalJID("val")) ?? nil
            entries.append(USyncDevices(user: jid.withoutDevice, lid: lid?.withoutDevice, devices: devices))
        }
        return entries
    }
}
