import Foundation
import SwiftProtobuf
import ZapgateProto

/// Hands a group sender's chain key and public signing key to one member:
/// `0x33 ‖ protobuf`. WhatsApp carries it in `Message.senderKeyDistributionMessage`, encrypted
/// pairwise.
public struct SenderKeyDistributionMessage: Sendable, Equatable {
    public let keyID: UInt32
    public let iteration: UInt32
    public let chainKey: Data
    /// The sender's public signing key (32 bytes).
    public let signingKey: Data
    public let serialized: Data

    init(keyID: UInt32, iteration: UInt32, chainKey: Data, signingKey: Data) {
        var proto = WAAxolotlSenderKeyDistributionMessage()
        proto.id = keyID
        proto.iteration = iteration
        proto.chainKey = chainKey
        proto.signingKey = SignalPublicKey.serialize(signingKey)
        self.keyID = keyID
        self.iteration = iteration
        self.chainKey = chainKey
        self.signingKey = signingKey
        self.serialized = SignalEnvelope.seal(proto)
    }

    public init(serialized data: Data) throws(SignalError) {
        let proto = try SignalEnvelope.open(
            data, as: WAAxolotlSenderKeyDistributionMessage.self, name: "SenderKeyDistributionMessage")
        guard proto.hasID, proto.hasIteration, proto.hasChainKey, proto.hasSigningKey else {
            throw .invalidMessage("SenderKeyDistributionMessage lacks id, iteration, chain or signing key")
        }
        guard proto.chainKey.count == 32 else {
            throw .invalidMessage("sender chain key is \(proto.chainKey.count) bytes, not 32")
        }
        // A chain handed over at its last iteration could never advance: any message on it
        // would need iteration + 1.
        guard proto.iteration < UInt32.max else { throw .chainExhausted(index: proto.iteration) }
        keyID = proto.id
        iteration = proto.iteration
        chainKey = proto.chainKey
        signingKey = try SignalPublicKey.parse(proto.signingKey, field: "signingKey")
        serialized = Data(data)
    }
}
