import Foundation
import SwiftProtobuf
import ZapgateProto

/// The server's certificate chain (`CertChain`): an intermediate certificate signed by the root,
/// and a leaf certificate, signed by the intermediate, that certifies the server's static key.
public struct NoiseCertificateChain: Sendable, Equatable {
    /// One signed certificate: serialized details and a 64-byte XEdDSA signature over them.
    public struct Certificate: Sendable, Equatable {
        /// The serialized ``NoiseCertificateDetails``, exactly as signed.
        public var details: Data
        /// The signature over `details`.
        public var signature: Data

        /// A certificate from its serialized details and signature.
        public init(details: Data, signature: Data) {
            self.details = details
            self.signature = signature
        }
    }

    /// The certificate for the server's static key.
    public var leaf: Certificate
    /// The certificate the root signed, whose key signs the leaf.
    public var intermediate: Certificate

    /// A chain from its two certificates.
    public init(leaf: Certificate, intermediate: Certificate) {
        self.leaf = leaf
        self.intermediate = intermediate
    }

    /// Decodes a serialized `CertChain`; every part must be present.
    public init(serializedBytes bytes: Data) throws(NoiseCertificateError) {
        let message: WACertChain
        do {
            message = try WACertChain(serializedBytes: bytes)
        } catch {
            throw .malformedChain
        }
        guard message.hasLeaf, message.hasIntermediate,
            message.intermediate.hasDetails, message.intermediate.hasSignature,
            message.leaf.hasDetails, message.leaf.hasSignature
        else { throw .missingParts }
        self.init(
            leaf: Certificate(details: message.leaf.details, signature: message.leaf.signature),
            intermediate: Certificate(
                details: message.intermediate.details,
                signature: message.intermediate.signature
            )
        )
    }

    /// The serialized `CertChain`, as carried in ServerHello's payload.
    public func serializedData() -> Data {
        var message = WACertChain()
        message.leaf.details = leaf.details
        message.leaf.signature = leaf.signature
        message.intermediate.details = intermediate.details
        message.intermediate.signature = intermediate.signature
        // Only bytes fields, all set: encoding cannot fail.
        return (try? message.serializedData()) ?? Data()
    }
}
