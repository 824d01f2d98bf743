import ZapgateWire

extension Simulator {
    /// The phone number of the account a phone-number or LID JID names, nil if there is none.
    /// Unlike ``phone(_:)`` this never makes an account, so a mistyped number can be reported.
    public func accountNumber(_ person: JID) async -> String? {
        await registry.account(named: person)?.phoneNumber
    }

    /// The phone numbers of a group's members in the order they joined, nil if there is no such
    /// group.
    public func groupMembers(_ group: JID) async -> [String]? {
        guard group.isGroup else { return nil }
        return await relay.groups[group.user]?.participants
    }
}
