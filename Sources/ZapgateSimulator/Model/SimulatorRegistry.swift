import Foundation
import Logging
import ZapgateCrypto
import ZapgateProtocol
import ZapgateWire

/// Everything the simulated server knows: accounts and their devices, companions waiting to
/// link, who is online. One actor, so linking, logins and removals never interleave badly.
actor SimulatorRegistry {
    private(set) var accounts: [String: SimulatedAccount] = [:]
    var pendingByRef: [String: PendingRegistration] = [:]
    var pendingCodes: [String: PendingCodeLink] = [:]
    var online: [DeviceKey: SimulatorConnection] = [:]
    var scheduledFailures: [DeviceKey: ConnectFailure] = [:]
    /// Upload tokens and uploaded blobs, reached by connections and the HTTP routes alike.
    let media = SimulatorMediaStore()
    private let statePath: String?
    private let logger: Logger

    struct DeviceKey: Hashable, Sendable {
        let phoneNumber: String
        let device: UInt16
    }

    init(statePath: String?, logger: Logger) throws(SimulatorError) {
        self.statePath = statePath
        self.logger = logger
        if let statePath, FileManager.default.fileExists(atPath: statePath) {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: statePath))
                let saved = try JSONDecoder().decode([SimulatedAccount].self, from: data)
                accounts = Dictionary(
                    saved.map { ($0.phoneNumber, $0) }, uniquingKeysWith: { first, _ in first })
            } catch {
                throw .storage("cannot read \(statePath): \(error)")
            }
        }
    }

    /// The account for `phoneNumber`, made on first use with a fresh identity and LID.
    func account(_ phoneNumber: String) -> SimulatedAccount {
        if let existing = accounts[phoneNumber] { return existing }
        var lid: String
        repeat {
            lid = String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
        } while accounts.values.contains { $0.lid == lid }
        let account = SimulatedAccount(
            phoneNumber: phoneNumber, lid: lid, identityPrivateKey: Curve25519KeyPair.generate().privateKey,
            nextDeviceID: 1, nextKeyIndex: 1, devices: [])
        accounts[phoneNumber] = account
        persist()
        return account
    }

    func update(_ account: SimulatedAccount) {
        accounts[account.phoneNumber] = account
        persist()
    }

    func account(forLID lid: String) -> SimulatedAccount? {
        accounts.values.first { $0.lid == lid }
    }

    // MARK: Linking

    func addPending(refs: [String], _ pending: PendingRegistration) {
        for ref in refs { pendingByRef[ref] = pending }
    }

    /// The companion showing `ref`, claimed for linking: none of its other refs or codes work
    /// after this.
    func takePending(ref: String) -> PendingRegistration? {
        guard let pending = pendingByRef[ref] else { return nil }
        _ = claim(pending.connection)
        return pending
    }

    /// The companion waiting for a code for `phoneNumber`, left in place until ``claim(_:)``:
    /// a mistyped code may be typed again.
    func pendingCode(phoneNumber: String) -> PendingCodeLink? { pendingCodes[phoneNumber] }

    /// Removes every ref and code of `connection`; false if there were none (someone else
    /// linked it meanwhile).
    func claim(_ connection: SimulatorConnection) -> Bool {
        let before = pendingByRef.count + pendingCodes.count
        pendingByRef = pendingByRef.filter { $0.value.connection !== connection }
        pendingCodes = pendingCodes.filter { $0.value.connection !== connection }
        return pendingByRef.count + pendingCodes.count < before
    }

    /// Reserves a device id and key index on `phoneNumber`'s account, in one step so that
    /// concurrent links get distinct ones.
    func allocateDevice(_ phoneNumber: String) -> (
        device: UInt16, keyIndex: UInt32, account: SimulatedAccount
    ) {
        var account = account(phoneNumber)
        let reserved = (account.nextDeviceID, account.nextKeyIndex)
        account.nextDeviceID &+= 1
        account.nextKeyIndex &+= 1
        update(account)
        return (reserved.0, reserved.1, account)
    }

    /// Adds a linked companion to its account.
    func addDevice(_ record: CompanionRecord, to phoneNumber: String) {
        var account = account(phoneNumber)
        account.devices.append(record)
        update(account)
    }

    func addPendingCode(phoneNumber: String, _ pending: PendingCodeLink) {
        pendingCodes[phoneNumber] = pending
    }

    // MARK: Connections

    /// Forgets everything tied to a closed connection.
    func closed(_ connection: SimulatorConnection) {
        pendingByRef = pendingByRef.filter { $0.value.connection !== connection }
        pendingCodes = pendingCodes.filter { $0.value.connection !== connection }
        online = online.filter { $0.value !== connection }
    }

    /// Marks a device online; returns the connection it replaces, if one was live.
    func setOnline(_ key: DeviceKey, _ connection: SimulatorConnection) -> SimulatorConnection? {
        let previous = online[key]
        online[key] = connection
        return previous === connection ? nil : previous
    }

    func connection(for key: DeviceKey) -> SimulatorConnection? { online[key] }

    func scheduleFailure(_ failure: ConnectFailure, for key: DeviceKey) {
        scheduledFailures[key] = failure
    }

    func takeScheduledFailure(for key: DeviceKey) -> ConnectFailure? {
        scheduledFailures.removeValue(forKey: key)
    }

    // MARK: Devices

    func modifyDevice(_ key: DeviceKey, _ change: (inout CompanionRecord) -> Void) {
        guard var account = accounts[key.phoneNumber],
            let index = account.devices.firstIndex(where: { $0.id == key.device })
        else { return }
        change(&account.devices[index])
        update(account)
    }

    func device(_ key: DeviceKey) -> CompanionRecord? {
        accounts[key.phoneNumber]?.device(key.device)
    }

    /// Removes a companion; returns its live connection so the caller can tell it.
    func removeDevice(_ key: DeviceKey) -> SimulatorConnection? {
        guard var account = accounts[key.phoneNumber] else { return nil }
        account.devices.removeAll { $0.id == key.device }
        update(account)
        return online.removeValue(forKey: key)
    }

    func describe(_ key: DeviceKey) -> SimulatedDevice? {
        guard let account = accounts[key.phoneNumber], let record = account.device(key.device) else {
            return nil
        }
        return SimulatedDevice(
            jid: JID(user: account.phoneNumber, server: .phoneNumber, device: record.id),
            lid: JID(user: account.lid, server: .lid, device: record.id),
            name: record.name, preKeyCount: record.preKeys.count, isOnline: online[key] != nil,
            keyIndex: record.keyIndex)
    }

    func allDevices() -> [SimulatedDevice] {
        accounts.values.sorted { $0.phoneNumber < $1.phoneNumber }.flatMap { account in
            account.devices.compactMap {
                describe(DeviceKey(phoneNumber: account.phoneNumber, device: $0.id))
            }
        }
    }

    var onlineCount: Int { online.count }

    // MARK: Persistence

    /// Writes the accounts to the state file, when there is one. Prekey uploads rewrite it;
    /// the simulator is for tests and sandboxes, not for thousands of devices on disk.
    private func persist() {
        guard let statePath else { return }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(accounts.values.sorted { $0.phoneNumber < $1.phoneNumber })
            try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
        } catch {
            logger.error(
                "could not write simulator state", metadata: ["path": "\(statePath)", "error": "\(error)"])
        }
    }
}
