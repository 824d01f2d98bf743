import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto

/// A group message (`<enc type="skmsg">`): `0x33 ‖ protobuf ‖ signature(64)`, the signature by
/// the sender's signing key over everything before it.
public struct SenderKeyMessage: Sendable, Equatable {
    public static let signatureLength = 64

    public let keyID: UInt32
    public let iteration: UInt32
    public let ciphertext: Data
    public let serialized: Data

    init(keyID: UInt32, iteration: UInt32, ciphertext: Data, signingKey: Curve25519KeyPair)
        throws(SignalError)
    {
        var proto = WASenderKeyMessage()
        proto.id = keyID
        proto.iteration = iteration
        proto.ciphertext = ciphertext
        let body = SignalEnvelope.seal(proto)
        let signature: Data
        do {
            signature = try signingKey.sign(body)
        } catch {
            throw .invalidKey("sender signing key cannot sign: \(error)")
        }
        self.keyID = keyID
        self.iteration = iteration
        self.ciphertext = ciphertext
        self.serialized = body + signature
    }

    public init(serialized data: Data) throws(SignalError) {
        let proto = try SignalEnvelope.open(
            data, as: WASenderKeyMessage.self, trailerLength: Self.signatureLength, name: "SenderKeyMessage")
        guard proto.hasID, proto.hasIteration, proto.hasCiphertext else {
            throw .invalidMessage("SenderKeyMessage lacks id, iteration or ciphertext")
        }
        keyID = proto.id
        iteration = proto.iteration
        ciphertext = proto.ciphertext
        serialized = Data(data)
    }

    /// Whether the trailing signature was made by `signingKey` (32 bytes) over the rest.
    func hasValidSignature(signingKey: Data) -> Bool {
        XEdDSA.verify(
            publicKey: signingKey,
            message: Data(serialized.prefix(serialized.count - Self.signatureLength)),
            signature: Data(serialized.suffix(Self.signatureLength)))
    }
}
