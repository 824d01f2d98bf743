import Foundation
import ZapgateCrypto

/// Issues certificate chains the way WhatsApp's servers present them: a root key signs an
/// intermediate certificate (issuer serial 0), whose key signs a leaf for the server's static
/// key. A self-hosted responder uses one of these; its clients trust ``rootPublicKey``.
public struct NoiseCertificateAuthority: Sendable {
    /// The root key; its public half is what initiators trust.
    public let rootKey: Curve25519KeyPair
    /// The intermediate certificate's key, which signs leaves.
    public let intermediateKey: Curve25519KeyPair
    /// The intermediate certificate's serial; leaves name it as their issuer.
    public let intermediateSerial: UInt32

    /// An authority with the given (by default fresh) keys.
    public init(
        rootKey: Curve25519KeyPair = .generate(),
        intermediateKey: Curve25519KeyPair = .generate(),
        intermediateSerial: UInt32 = 1
    ) {
        self.rootKey = rootKey
        self.intermediateKey = intermediateKey
        self.intermediateSerial = intermediateSerial
    }

    /// The key initiators must trust (``NoiseCertificateVerifier/trustedRootKey``).
    public var rootPublicKey: Data { rootKey.publicKey }

    /// A chain certifying `serverStaticKey`, both certificates valid from `notBefore` to
    /// `notAfter`.
    public func issueChain(
        for serverStaticKey: Data,
        leafSerial: UInt32? = nil,
        notBefore: Date = Date(timeIntervalSinceNow: -3600),
        notAfter: Date = Date(timeIntervalSinceNow: 365 * 24 * 3600)
    ) throws(NoiseCertificateError) -> NoiseCertificateChain {
        let intermediate = NoiseCertificateDetails(
            serial: intermediateSerial,
            issuerSerial: NoiseConstants.rootIssuerSerial,
            key: intermediateKey.publicKey,
            notBefore: notBefore,
            notAfter: notAfter
        )
        let leaf = NoiseCertificateDetails(
            serial: leafSerial ?? intermediateSerial &+ 1,
            issuerSerial: intermediateSerial,
            key: serverStaticKey,
            notBefore: notBefore,
            notAfter: notAfter
        )
        return NoiseCertificateChain(
            leaf: try Self.certificate(leaf, signedBy: intermediateKey),
            intermediate: try Self.certificate(intermediate, signedBy: rootKey)
        )
    }

    /// Serializes `details` and signs the bytes with `key`. Exposed so that callers (and tests)
    /// can build chains with any content.
    public static func certificate(
        _ details: NoiseCertificateDetails,
        signedBy key: Curve25519KeyPair
    ) throws(NoiseCertificateError) -> NoiseCertificateChain.Certificate {
        let bytes = details.serializedData()
        do {
            return NoiseCertificateChain.Certificate(details: bytes, signature: try key.sign(bytes))
        } catch {
            throw .signingFailed
        }
    }
}
