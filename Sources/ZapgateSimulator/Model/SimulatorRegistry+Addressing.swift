import Foundation
import ZapgateWire

extension SimulatorRegistry {
    /// The account a JID names, by phone number or LID.
    func account(named jid: JID) -> SimulatedAccount? {
        switch jid.server {
        case .phoneNumber: accounts[jid.user]
        case .lid: account(forLID: jid.user)
        default: nil
        }
    }

    /// The device a device JID names (device 0 is the phone), if the account exists and, for
    /// companions, the device is linked.
    func deviceKey(for jid: JID) -> DeviceKey? {
        guard let account = account(named: jid) else { return nil }
        guard jid.device == 0 || account.device(jid.device) != nil else { return nil }
        return DeviceKey(phoneNumber: account.phoneNumber, device: jid.device)
    }

    /// A device's JID on the phone-number or LID server.
    func jid(of key: DeviceKey, lid: Bool) -> JID? {
        guard let account = accounts[key.phoneNumber] else { return nil }
        return lid
            ? JID(user: account.lid, server: .lid, device: key.device)
            : JID(user: account.phoneNumber, server: .phoneNumber, device: key.device)
    }

    /// Every device of an account: the phone first, then its companions.
    func deviceKeys(of phoneNumber: String) -> [DeviceKey] {
        guard let account = accounts[phoneNumber] else { return [] }
        return [DeviceKey(phoneNumber: phoneNumber, device: 0)]
            + account.devices.map { DeviceKey(phoneNumber: phoneNumber, device: $0.id) }
    }

    /// Takes one of a companion's one-time prekeys off the server (lowest id first); returns it
    /// and how many remain.
    func popPreKey(_ key: DeviceKey) -> (preKey: (id: UInt32, publicKey: Data)?, remaining: Int) {
        guard var account = accounts[key.phoneNumber],
            let index = account.devices.firstIndex(where: { $0.id == key.device })
        else { return (nil, 0) }
        guard let id = account.devices[index].preKeys.keys.min(),
            let publicKey = account.devices[index].preKeys.removeValue(forKey: id)
        else { return (nil, 0) }
        update(account)
        return ((id, publicKey), account.devices[index].preKeys.count)
    }
}
