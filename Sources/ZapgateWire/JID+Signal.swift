extension JID {
    /// The name part of this account's Signal protocol address: the user for phone-number JIDs,
    /// `user_<domainType>` for every other domain (`12345_1` for a LID, `12345_128` for hosted).
    /// The device is the Signal device id (``signalDeviceID``).
    public var signalAddressName: String {
        let domain = domainType
        return domain == 0 ? user : "\(user)_\(domain)"
    }

    /// The Signal device id of this JID (its device number).
    public var signalDeviceID: UInt32 { UInt32(device) }
}
