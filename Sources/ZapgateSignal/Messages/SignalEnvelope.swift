import Foundation
import SwiftProtobuf

/// The version byte of every libsignal v3 message: current version 3 in the high nibble,
/// highest supported version 3 in the low one.
let signalVersionByte: UInt8 = 0x33

/// The framing every Signal message shares: `0x33 ‖ protobuf ‖ trailer`, where the trailer is the
/// 8-byte MAC of a SignalMessage, the 64-byte signature of a SenderKeyMessage, or nothing.
enum SignalEnvelope {
    /// `0x33 ‖ protobuf`. Our Signal messages have no required fields, so encoding cannot fail.
    static func seal(_ proto: some SwiftProtobuf.Message) -> Data {
        var sealed = Data([signalVersionByte])
        sealed.append((try? proto.serializedData()) ?? Data())
        return sealed
    }

    /// Checks the version byte and parses the protobuf between it and a `trailerLength`-byte
    /// trailer; `name` says which message failed.
    static func open<Proto: SwiftProtobuf.Message>(
        _ data: Data,
        as type: Proto.Type,
        trailerLength: Int = 0,
        name: String
    ) throws(SignalError) -> Proto {
        guard data.count > 1 + trailerLength, let version = data.first else {
            throw .invalidMessage("\(name) of \(data.count) bytes is too short")
        }
        guard version == signalVersionByte else { throw .unsupportedVersion(version) }
        let body = data.subdata(in: data.startIndex + 1..<data.endIndex - trailerLength)
        do {
            return try Proto(serializedBytes: body)
        } catch {
            throw .invalidMessage("\(name) protobuf does not parse")
        }
    }
}
