import Foundation
import SwiftProtobuf
import ZapgateProto

/// What a new companion registers in its first `ClientPayload` (`devicePairingData`): its
/// Signal identity, registration id and signed prekey, a build hash and its device properties.
public struct CompanionRegistration: Sendable, Equatable {
    public var registrationID: UInt32
    public var identityKey: Data
    public var signedPreKeyID: UInt32
    public var signedPreKey: Data
    /// XEdDSA by the identity over `05 ‖ signedPreKey`.
    public var signedPreKeySignature: Data
    /// MD5 of the client's version string.
    public var buildHash: Data
    public var deviceProps: WADeviceProps

    public init(
        registrationID: UInt32,
        identityKey: Data,
        signedPreKeyID: UInt32,
        signedPreKey: Data,
        signedPreKeySignature: Data,
        buildHash: Data,
        deviceProps: WADeviceProps
    ) {
        self.registrationID = registrationID
        self.identityKey = identityKey
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKey = signedPreKey
        self.signedPreKeySignature = signedPreKeySignature
        self.buildHash = buildHash
        self.deviceProps = deviceProps
    }

    /// The protobuf the payload carries.
    public func pairingData() throws -> WAClientPayload.DevicePairingRegistrationData {
        var data = WAClientPayload.DevicePairingRegistrationData()
        data.eRegid = BigEndianBytes.encode(registrationID, width: 4)
        data.eKeytype = Data([0x05])
        data.eIdent = identityKey
        data.eSkeyID = BigEndianBytes.encode(signedPreKeyID, width: 3)
        data.eSkeyVal = signedPreKey
        data.eSkeySig = signedPreKeySignature
        data.buildHash = buildHash
        data.deviceProps = try deviceProps.serializedData()
        return data
    }

    /// Reads and checks a payload's registration data (lengths and key type; the signature is
    /// the reader's to verify).
    public init(pairingData data: WAClientPayload.DevicePairingRegistrationData) throws(ProtocolError) {
        guard let registrationID = BigEndianBytes.decode(data.eRegid, width: 4) else {
            throw .malformed("eRegid is not 4 bytes")
        }
        guard data.eKeytype == Data([0x05]) else { throw .malformed("eKeytype is not 05") }
        guard data.eIdent.count == 32 else { throw .malformed("eIdent is not 32 bytes") }
        guard let signedPreKeyID = BigEndianBytes.decode(data.eSkeyID, width: 3) else {
            throw .malformed("eSkeyID is not 3 bytes")
        }
        guard data.eSkeyVal.count == 32 else { throw .malformed("eSkeyVal is not 32 bytes") }
        guard data.eSkeySig.count == 64 else { throw .malformed("eSkeySig is not 64 bytes") }
        guard let props = try? WADeviceProps(serializedBytes: data.deviceProps) else {
            throw .malformed("deviceProps is not a DeviceProps")
        }
        self.init(
            registrationID: registrationID, identityKey: data.eIdent, signedPreKeyID: signedPreKeyID,
            signedPreKey: data.eSkeyVal, signedPreKeySignature: data.eSkeySig, buildHash: data.buildHash,
            deviceProps: props)
    }
}
