import Foundation
import Logging
import ZapgateWire

/// The message side of the simulated server: device lists and prekey bundles for senders,
/// relaying messages and receipts between devices, holding them for devices that are offline,
/// groups, and the phones of the accounts as messaging devices.
///
/// Messages, receipts and groups live in memory only: a simulator restarted from its state
/// file keeps its accounts and linked devices but forgets what was in flight.
actor SimulatorRelay {
    typealias DeviceKey = SimulatorRegistry.DeviceKey

    let registry: SimulatorRegistry
    let logger: Logger
    /// What each companion has not acknowledged yet, oldest first.
    var pending: [DeviceKey: [PendingDelivery]] = [:]
    var sequence: UInt64 = 0
    /// Companions being sent their backlog at login, and by which connection; new deliveries
    /// wait behind it.
    var flushing: [DeviceKey: ObjectIdentifier] = [:]
    var groups: [String: SimulatedGroup] = [:]
    /// Who has written to whom (phone numbers, both directions): they hear of each other's
    /// device changes, as contacts do.
    var contacts: [String: Set<String>] = [:]
    private var phones: [String: PhoneDevice] = [:]

    /// More than this many unacknowledged stanzas for one device and the oldest are dropped
    /// (a device that never comes back must not grow the simulator without bound).
    static let maximumPending = 50_000

    init(registry: SimulatorRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// The phone of `phoneNumber` as a messaging device, made on first use with fresh keys.
    func phone(_ phoneNumber: String) async throws(SimulatorError) -> PhoneDevice {
        if let existing = phones[phoneNumber] { return existing }
        let account = await registry.account(phoneNumber)
        let created = try await PhoneDevice.make(account: account, relay: self, logger: logger)
        if let raced = phones[phoneNumber] { return raced }
        phones[phoneNumber] = created
        return created
    }

    /// Creates a group; the creator and `members` (phone numbers) are its participants.
    func createGroup(subject: String, creator: String, members: [String]) -> SimulatedGroup {
        var id: String
        repeat {
            id = "120363" + String(UInt64.random(in: 100_000_000_000...999_999_999_999))
        } while groups[id] != nil
        var participants = [creator]
        for member in members where !participants.contains(member) { participants.append(member) }
        let group = SimulatedGroup(
            id: id, subject: subject, creator: creator, created: Date(), participants: participants)
        groups[id] = group
        return group
    }

    /// Adds members to a group; returns the group, nil if there is none.
    func addParticipants(_ members: [String], to groupID: String) -> SimulatedGroup? {
        guard var group = groups[groupID] else { return nil }
        for member in members where !group.participants.contains(member) { group.participants.append(member) }
        groups[groupID] = group
        return group
    }
}
