import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

/// A double-ratchet message (`<enc type="msg">`): `0x33 ‖ protobuf ‖ MAC(8)`.
public struct SignalMessage: Sendable, Equatable {
    public static let macLength = 8

    /// The sender's current ratchet public key (32 bytes).
    public let ratchetKey: Data
    public let counter: UInt32
    public let previousCounter: UInt32
    public let ciphertext: Data
    /// The whole message as sent, MAC included.
    public let serialized: Data

    /// Builds and MACs a message. The MAC covers both identities so that a message cannot be
    /// replayed into a session between other parties.
    init(
        ratchetKey: Data,
        counter: UInt32,
        previousCounter: UInt32,
        ciphertext: Data,
        macKey: Data,
        senderIdentity: Data,
        receiverIdentity: Data
    ) {
        var proto = WASignalMessage()
        proto.ratchetKey = SignalPublicKey.serialize(ratchetKey)
        proto.counter = counter
        proto.previousCounter = previousCounter
        proto.ciphertext = ciphertext
        let body = SignalEnvelope.seal(proto)
        let mac = Self.mac(
            body: body, macKey: macKey, senderIdentity: senderIdentity, receiverIdentity: receiverIdentity)
        self.ratchetKey = ratchetKey
        self.counter = counter
        self.previousCounter = previousCounter
        self.ciphertext = ciphertext
        self.serialized = body + mac
    }

    /// Parses a received message; the MAC is checked later, once the session yields the key.
    public init(serialized data: Data) throws(SignalError) {
        let proto = try SignalEnvelope.open(
            data, as: WASignalMessage.self, trailerLength: Self.macLength, name: "SignalMessage")
        guard proto.hasRatchetKey, proto.hasCounter, proto.hasCiphertext else {
            throw .invalidMessage("SignalMessage lacks ratchet key, counter or ciphertext")
        }
        ratchetKey = try SignalPublicKey.parse(proto.ratchetKey, field: "ratchetKey")
        counter = proto.counter
        previousCounter = proto.previousCounter
        ciphertext = proto.ciphertext
        serialized = Data(data)
    }

    /// Whether the trailing 8 bytes are the MAC of the rest under `macKey` (constant time).
    func hasValidMAC(macKey: Data, senderIdentity: Data, receiverIdentity: Data) -> Bool {
        let body = serialized.prefix(serialized.count - Self.macLength)
        var input = SignalPublicKey.serialize(senderIdentity)
        input.append(SignalPublicKey.serialize(receiverIdentity))
        input.append(body)
        return HMACSHA256.isValid(
            Data(serialized.suffix(Self.macLength)), for: input, key: macKey, truncatedTo: Self.macLength)
    }

    private static func mac(body: Data, macKey: Data, senderIdentity: Data, receiverIdentity: Data) -> Data {
        var input = SignalPublicKey.serialize(senderIdentity)
        input.append(SignalPublicKey.serialize(receiverIdentity))
        input.append(body)
        return HMACSHA256.authenticationCode(for: input, key: macKey).prefix(macLength)
    }
}
