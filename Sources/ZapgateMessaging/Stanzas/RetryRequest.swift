import Foundation
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

/// What a retry receipt carries: which attempt this is, the asking device's registration id,
/// and from the second attempt on, a fresh prekey bundle so the sender can start over.
public struct RetryRequest: Sendable, Equatable {
    /// 1 for the first request, counting up.
    public var count: Int
    /// The message asked for.
    public var messageID: String
    /// When the original was sent.
    public var originalTimestamp: Date?
    /// The asking device's registration id; a change means it reinstalled.
    public var registrationID: UInt32
    /// Keys to build a new session with (the device's identity, signed prekey, one new
    /// one-time prekey), and its signed device identity.
    public var bundle: PreKeyBundle?
    public var deviceIdentity: Data?

    public init(
        count: Int, messageID: String, originalTimestamp: Date?, registrationID: UInt32,
        bundle: PreKeyBundle? = nil, deviceIdentity: Data? = nil
    ) {
        self.count = count
        self.messageID = messageID
        self.originalTimestamp = originalTimestamp
        self.registrationID = registrationID
        self.bundle = bundle
        self.deviceIdentity = deviceIdentity
    }

    /// The receipt's children.
    public var nodes: [BinaryNode] {
        var retry: BinaryNode.Attributes = [
            "count": .string(String(count)), "id": .string(messageID), "v": "1",
        ]
        if let originalTimestamp {
            retry["t"] = .string(String(Int64(originalTimestamp.timeIntervalSince1970)))
        }
        var nodes = [
            BinaryNode(tag: "retry", attributes: retry),
            BinaryNode(tag: "registration", bytes: BigEndianBytes.encode(registrationID, width: 4)),
        ]
        if let bundle {
            var keys = PreKeyBundleQuery.children(of: bundle, includeRegistration: false)
            if let deviceIdentity { keys.append(BinaryNode(tag: "device-identity", bytes: deviceIdentity)) }
            nodes.append(BinaryNode(tag: "keys", children: keys))
        }
        return nodes
    }

    /// Reads the request out of a retry receipt; `deviceID` is the asking device's.
    public init(receipt: Receipt, deviceID: UInt32) throws(MessagingError) {
        guard receipt.kind == .retry else { throw .malformed("not a retry receipt") }
        guard let retry = receipt.extra.first(where: { $0.tag == "retry" }),
            let count = try? retry.integer("count", as: Int.self)
        else { throw .malformed("retry receipt without <retry count>") }
        let registration = receipt.extra.first { $0.tag == "registration" }
        guard let registrationBytes = registration?.bytes,
            let registrationID = BigEndianBytes.decode(registrationBytes, width: 4)
        else { throw .malformed("retry receipt without a 4-byte <registration>") }
        var bundle: PreKeyBundle?
        var deviceIdentity: Data?
        if let keys = receipt.extra.first(where: { $0.tag == "keys" }) {
            bundle = try PreKeyBundleQuery.bundle(from: keys, registration: registration, deviceID: deviceID)
            deviceIdentity = keys.child("device-identity")?.bytes
        }
        let seconds = (try? retry.optionalInteger("t", as: Int64.self)) ?? nil
        self.init(
            count: count, messageID: (try? retry.optionalString("id")) ?? receipt.ids.first ?? "",
            originalTimestamp: seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            registrationID: registrationID, bundle: bundle, deviceIdentity: deviceIdentity)
    }
}
