import Foundation
import ZapgateProto
import ZapgateWire

extension SimulatedPhone {
    /// Sends `message` from the phone (device 0) to a person (phone-number or LID JID) or a
    /// group the account is in; returns the message id once the server accepted it.
    @discardableResult
    public func send(_ message: WAMessage, to chat: JID) async throws(SimulatorError) -> String {
        try await relay.phone(phoneNumber).send(message, to: chat)
    }

    /// The messages the phone has received, oldest first.
    public func receivedMessages() async throws(SimulatorError) -> [PhoneMessage] {
        await try relay.phone(phoneNumber).receivedMessages()
    }

    /// Reads received messages: the senders get read receipts. Returns the ids it knew.
    @discardableResult
    public func markRead(_ ids: [String]) async throws(SimulatorError) -> [String] {
        await try relay.phone(phoneNumber).markRead(ids)
    }

    /// The receipts the phone has received for its own messages, oldest first.
    public func receivedReceipts() async throws(SimulatorError) -> [PhoneReceipt] {
        await try relay.phone(phoneNumber).receivedReceipts()
    }

    /// Creates a group with this account and `members` (phone-number or LID JIDs of existing
    /// accounts); returns its JID.
    public func createGroup(subject: String, members: [JID]) async throws(SimulatorError) -> JID {
        var numbers: [String] = []
        for member in members {
            guard let account = await registry.account(named: member) else {
                throw .unknown("account \(member)")
            }
            numbers.append(account.phoneNumber)
        }
        return await relay.createGroup(subject: subject, creator: phoneNumber, members: numbers).jid
    }

    /// Adds accounts to a group this account is in.
    public func addToGroup(_ group: JID, members: [JID]) async throws(SimulatorError) {
        guard let current = await relay.groups[group.user], current.participants.contains(phoneNumber) else {
            throw .unknown("group \(group) with \(phoneNumber) in it")
        }
        var numbers: [String] = []
        for member in members {
            guard let account = await registry.account(named: member) else {
                throw .unknown("account \(member)")
            }
            numbers.append(account.phoneNumber)
        }
        _ = await relay.addParticipants(numbers, to: group.user)
    }
}
