import Foundation
import ZapgateCrypto

/// What a responder presents: its static key and the certificate chain for it.
public struct NoiseServerIdentity: Sendable {
    /// The server's long-term static key pair.
    public let staticKey: Curve25519KeyPair
    /// The chain whose leaf certifies `staticKey.publicKey`.
    public let certificateChain: NoiseCertificateChain

    /// An identity from a key and a chain issued for it elsewhere.
    public init(staticKey: Curve25519KeyPair, certificateChain: NoiseCertificateChain) {
        self.staticKey = staticKey
        self.certificateChain = certificateChain
    }

    /// An identity whose chain `authority` issues now for `staticKey`.
    public init(
        authority: NoiseCertificateAuthority,
        staticKey: Curve25519KeyPair = .generate()
    ) throws(NoiseCertificateError) {
        self.staticKey = staticKey
        self.certificateChain = try authority.issueChain(for: staticKey.publicKey)
    }
}
