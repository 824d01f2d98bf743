import Foundation
import SwiftProtobuf
import ZapgateProto

/// What one certificate of the chain asserts (`CertChain.NoiseCertificate.Details`).
///
/// Times are whole seconds since 1970, as on the wire.
public struct NoiseCertificateDetails: Sendable, Equatable {
    /// This certificate's serial number.
    public var serial: UInt32
    /// The serial of the certificate that signed this one (0 for the root).
    public var issuerSerial: UInt32
    /// The Curve25519 public key being certified.
    public var key: Data
    /// Start of validity, seconds since 1970.
    public var notBefore: UInt64
    /// End of validity, seconds since 1970.
    public var notAfter: UInt64

    /// Details with every field given.
    public init(serial: UInt32, issuerSerial: UInt32, key: Data, notBefore: UInt64, notAfter: UInt64) {
        self.serial = serial
        self.issuerSerial = issuerSerial
        self.key = key
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Details valid from `notBefore` to `notAfter` (rounded down to whole seconds).
    public init(serial: UInt32, issuerSerial: UInt32, key: Data, notBefore: Date, notAfter: Date) {
        self.init(
            serial: serial,
            issuerSerial: issuerSerial,
            key: key,
            notBefore: Self.seconds(notBefore),
            notAfter: Self.seconds(notAfter)
        )
    }

    /// Decodes the serialized `Details` a certificate carries.
    public init(serializedBytes bytes: Data) throws(NoiseCertificateError) {
        let message: WACertChain.NoiseCertificate.Details
        do {
            message = try WACertChain.NoiseCertificate.Details(serializedBytes: bytes)
        } catch {
            throw .malformedDetails
        }
        self.init(
            serial: message.serial,
            issuerSerial: message.issuerSerial,
            key: message.key,
            notBefore: message.notBefore,
            notAfter: message.notAfter
        )
    }

    /// The serialized `Details`: the bytes that get signed.
    public func serializedData() -> Data {
        var message = WACertChain.NoiseCertificate.Details()
        message.serial = serial
        message.issuerSerial = issuerSerial
        message.key = key
        message.notBefore = notBefore
        message.notAfter = notAfter
        // Every field is set and has a valid value, so encoding cannot fail.
        return (try? message.serializedData()) ?? Data()
    }

    private static func seconds(_ date: Date) -> UInt64 {
        let interval = date.timeIntervalSince1970.rounded(.down)
        return interval <= 0 ? 0 : UInt64(interval)
    }
}
