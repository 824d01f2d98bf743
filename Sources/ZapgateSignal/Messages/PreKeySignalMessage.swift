import Foundation
import SwiftProtobuf
import ZapgateProto

/// The first messages of a session (`<enc type="pkmsg">`): `0x33 ‖ protobuf`, carrying what the
/// receiver needs for X3DH and, inside, a complete SignalMessage. No MAC of its own.
public struct PreKeySignalMessage: Sendable, Equatable {
    public let registrationID: UInt32
    /// The one-time prekey the sender used, or nil when the bundle had none.
    public let preKeyID: UInt32?
    public let signedPreKeyID: UInt32
    /// The sender's X3DH ephemeral key (32 bytes).
    public let baseKey: Data
    /// The sender's identity key (32 bytes).
    public let identityKey: Data
    public let message: SignalMessage
    public let serialized: Data

    init(
        registrationID: UInt32,
        preKeyID: UInt32?,
        signedPreKeyID: UInt32,
        baseKey: Data,
        identityKey: Data,
        message: SignalMessage
    ) {
        var proto = WAPreKeySignalMessage()
        proto.registrationID = registrationID
        if let preKeyID { proto.preKeyID = preKeyID }
        proto.signedPreKeyID = signedPreKeyID
        proto.baseKey = SignalPublicKey.serialize(baseKey)
        proto.identityKey = SignalPublicKey.serialize(identityKey)
        proto.message = message.serialized
        self.registrationID = registrationID
        self.preKeyID = preKeyID
        self.signedPreKeyID = signedPreKeyID
        self.baseKey = baseKey
        self.identityKey = identityKey
        self.message = message
        self.serialized = SignalEnvelope.seal(proto)
    }

    public init(serialized data: Data) throws(SignalError) {
        let proto = try SignalEnvelope.open(data, as: WAPreKeySignalMessage.self, name: "PreKeySignalMessage")
        guard proto.hasSignedPreKeyID, proto.hasBaseKey, proto.hasIdentityKey, proto.hasMessage else {
            throw .invalidMessage("PreKeySignalMessage lacks signed prekey id, base key, identity or message")
        }
        registrationID = proto.registrationID
        preKeyID = proto.hasPreKeyID ? proto.preKeyID : nil
        signedPreKeyID = proto.signedPreKeyID
        baseKey = try SignalPublicKey.parse(proto.baseKey, field: "baseKey")
        identityKey = try SignalPublicKey.parse(proto.identityKey, field: "identityKey")
        message = try SignalMessage(serialized: proto.message)
        serialized = Data(data)
    }
}

/// What a 1:1 encryption produced, with the `<enc type>` WhatsApp sends it under.
public enum CiphertextMessage: Sendable, Equatable {
    /// A session-opening message (`pkmsg`), sent until the peer first replies.
    case preKey(PreKeySignalMessage)
    /// A message on an established session (`msg`).
    case signal(SignalMessage)

    /// The bytes that go inside `<enc>`.
    public var serialized: Data {
        switch self {
        case .preKey(let message): message.serialized
        case .signal(let message): message.serialized
        }
    }

    /// The `type` attribute of `<enc>`: `pkmsg` or `msg`.
    public var encType: String {
        switch self {
        case .preKey: "pkmsg"
        case .signal: "msg"
        }
    }
}
