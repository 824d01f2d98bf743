import ZapgateWire

/// A `<stream:error>`: how the server ends a logged-in connection and says why.
public enum StreamError: Sendable, Equatable {
    /// `code="515"`: reconnect now (sent after pairing).
    case restartRequired
    /// `code="401"` with `<conflict type="device_removed"/>`: the phone unlinked this device.
    case deviceRemoved
    /// `<conflict type="replaced"/>`: the same device connected elsewhere.
    case replaced
    /// `code="503"`: the service is briefly unavailable; reconnect.
    case serviceUnavailable
    /// Anything else, with what it carried.
    case other(code: String?, conflict: String?)

    /// Reads a `<stream:error>` node.
    public init(node: BinaryNode) {
        let code = (try? node.optionalString("code")) ?? nil
        let conflict = node.child("conflict").flatMap { (try? $0.optionalString("type")) ?? nil }
        switch (code, conflict) {
        case ("515", _): self = .restartRequired
        case (_, "device_removed"): self = .deviceRemoved
        case (_, "replaced"): self = .replaced
        case ("503", _): self = .serviceUnavailable
        default: self = .other(code: code, conflict: conflict)
        }
    }

    /// The node the server sends.
    public var node: BinaryNode {
        switch self {
        case .restartRequired: BinaryNode(tag: "stream:error", attributes: ["code": "515"])
        case .deviceRemoved:
            BinaryNode(
                tag: "stream:error", attributes: ["code": "401"],
                children: [BinaryNode(tag: "conflict", attributes: ["type": "device_removed"])])
        case .replaced:
            BinaryNode(
                tag: "stream:error", children: [BinaryNode(tag: "conflict", attributes: ["type": "replaced"])]
            )
        case .serviceUnavailable: BinaryNode(tag: "stream:error", attributes: ["code": "503"])
        case .other(let code, let conflict):
            BinaryNode(
                tag: "stream:error",
                attributes: code.map { ["code": .string($0)] } ?? [:],
                content: conflict.map {
                    .children([BinaryNode(tag: "conflict", attributes: ["type": .string($0)])])
                }
                    ?? .empty)
        }
    }
}
