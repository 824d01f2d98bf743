import Foundation
import ZapgateCrypto

/// Checks a server's certificate chain the way whatsmeow's `verifyServerCert` does, against a
/// trusted root key (WhatsApp's by default) and a clock that tests can set.
public struct NoiseCertificateVerifier: Sendable {
    /// The root key that must have signed the intermediate certificate.
    public var trustedRootKey: Data
    /// The current time, for the validity windows.
    public var clock: @Sendable () -> Date

    /// A verifier trusting `trustedRootKey`, reading the time from `clock`.
    public init(
        trustedRootKey: Data = NoiseConstants.whatsAppRootPublicKey,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.trustedRootKey = trustedRootKey
        self.clock = clock
    }

    /// The chain as verified: both certificates' details.
    public struct VerifiedChain: Sendable, Equatable {
        /// The intermediate certificate's details.
        public let intermediate: NoiseCertificateDetails
        /// The leaf certificate's details; its key is the server's static key.
        public let leaf: NoiseCertificateDetails
    }

    /// Verifies a serialized `CertChain` for a server whose decrypted static key is
    /// `serverStaticKey`. Throws the first check that fails, in whatsmeow's order.
    public func verify(
        _ serializedChain: Data,
        serverStaticKey: Data
    ) throws(NoiseCertificateError) -> VerifiedChain {
        let chain = try NoiseCertificateChain(serializedBytes: serializedChain)
        return try verify(chain, serverStaticKey: serverStaticKey)
    }

    /// Verifies a decoded chain; see ``verify(_:serverStaticKey:)-(Data,_)``.
    public func verify(
        _ chain: NoiseCertificateChain,
        serverStaticKey: Data
    ) throws(NoiseCertificateError) -> VerifiedChain {
        guard chain.intermediate.signature.count == 64 else {
            throw .invalidIntermediateSignatureLength(chain.intermediate.signature.count)
        }
        guard chain.leaf.signature.count == 64 else {
            throw .invalidLeafSignatureLength(chain.leaf.signature.count)
        }
        guard
            XEdDSA.verify(
                publicKey: trustedRootKey,
                message: chain.intermediate.details,
                signature: chain.intermediate.signature
            )
        else { throw .intermediateSignatureInvalid }
        let intermediate = try NoiseCertificateDetails(serializedBytes: chain.intermediate.details)
        guard intermediate.issuerSerial == NoiseConstants.rootIssuerSerial else {
            throw .unexpectedIntermediateIssuerSerial(intermediate.issuerSerial)
        }
        guard intermediate.key.count == 32 else {
            throw .invalidIntermediateKeyLength(intermediate.key.count)
        }
        guard
            XEdDSA.verify(
                publicKey: intermediate.key,
                message: chain.leaf.details,
                signature: chain.leaf.signature
            )
        else { throw .leafSignatureInvalid }
        let now = clock().timeIntervalSince1970
        if now < Double(intermediate.notBefore) {
            throw .intermediateNotYetValid(notBefore: intermediate.notBefore)
        }
        if now > Double(intermediate.notAfter) {
            throw .intermediateExpired(notAfter: intermediate.notAfter)
        }
        let leaf = try NoiseCertificateDetails(serializedBytes: chain.leaf.details)
        guard leaf.issuerSerial == intermediate.serial else {
            throw .unexpectedLeafIssuerSerial(found: leaf.issuerSerial, expected: intermediate.serial)
        }
        guard ConstantTime.equal(leaf.key, serverStaticKey) else { throw .leafKeyMismatch }
        if now < Double(leaf.notBefore) { throw .leafNotYetValid(notBefore: leaf.notBefore) }
        if now > Double(leaf.notAfter) { throw .leafExpired(notAfter: leaf.notAfter) }
        return VerifiedChain(intermediate: intermediate, leaf: leaf)
    }
}
