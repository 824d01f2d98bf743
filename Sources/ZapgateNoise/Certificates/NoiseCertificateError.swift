/// Which check of the server's certificate chain failed. The checks, and their order, are
/// whatsmeow's `verifyServerCert`.
public enum NoiseCertificateError: Error, Equatable, Sendable {
    /// The payload is not a `CertChain` protobuf.
    case malformedChain
    /// The leaf or intermediate certificate, or a details or signature field, is absent.
    case missingParts
    /// The intermediate's signature is not 64 bytes.
    case invalidIntermediateSignatureLength(Int)
    /// The leaf's signature is not 64 bytes.
    case invalidLeafSignatureLength(Int)
    /// The trusted root did not sign the intermediate (wrong root or altered details).
    case intermediateSignatureInvalid
    /// A certificate's details are not a `Details` protobuf.
    case malformedDetails
    /// The intermediate names an issuer other than the root (serial 0).
    case unexpectedIntermediateIssuerSerial(UInt32)
    /// The intermediate's key is not 32 bytes.
    case invalidIntermediateKeyLength(Int)
    /// The intermediate's key did not sign the leaf.
    case leafSignatureInvalid
    /// The intermediate's validity starts after the current time.
    case intermediateNotYetValid(notBefore: UInt64)
    /// The intermediate's validity ended before the current time.
    case intermediateExpired(notAfter: UInt64)
    /// The leaf names an issuer other than the intermediate.
    case unexpectedLeafIssuerSerial(found: UInt32, expected: UInt32)
    /// The leaf certifies a key other than the server's static key from the handshake.
    case leafKeyMismatch
    /// The leaf's validity starts after the current time.
    case leafNotYetValid(notBefore: UInt64)
    /// The leaf's validity ended before the current time.
    case leafExpired(notAfter: UInt64)
    /// Signing a certificate failed (an issuing error, not a verification one).
    case signingFailed
}
