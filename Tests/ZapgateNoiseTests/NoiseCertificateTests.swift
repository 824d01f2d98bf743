import Foundation
import Testing
import ZapgateCrypto
import ZapgateNoise
import ZapgateTestSupport

/// Each check of whatsmeow's verifyServerCert, one test each, against a chain that differs from
/// a valid one in exactly that respect.
@Suite("Certificate chain")
struct NoiseCertificateTests {
    let root = Curve25519KeyPair.generate()
    let intermediateKey = Curve25519KeyPair.generate()
    let serverStatic = Curve25519KeyPair.generate()
    let now = UInt64(TestClock.now.timeIntervalSince1970)

    var verifier: NoiseCertificateVerifier {
        NoiseCertificateVerifier(trustedRootKey: root.publicKey, clock: TestClock.fixed)
    }

    func intermediateDetails() -> NoiseCertificateDetails {
        NoiseCertificateDetails(
            serial: 7,
            issuerSerial: 0,
            key: intermediateKey.publicKey,
            notBefore: now - 3600,
            notAfter: now + 3600
        )
    }

    func leafDetails() -> NoiseCertificateDetails {
        NoiseCertificateDetails(
            serial: 8,
            issuerSerial: 7,
            key: serverStatic.publicKey,
            notBefore: now - 60,
            notAfter: now + 60
        )
    }

    /// A chain built from (possibly altered) details and keys.
    func chain(
        intermediate: NoiseCertificateDetails? = nil,
        leaf: NoiseCertificateDetails? = nil,
        rootKey: Curve25519KeyPair? = nil,
        leafSigner: Curve25519KeyPair? = nil
    ) throws -> NoiseCertificateChain {
        NoiseCertificateChain(
            leaf: try NoiseCertificateAuthority.certificate(
                leaf ?? leafDetails(),
                signedBy: leafSigner ?? intermediateKey
            ),
            intermediate: try NoiseCertificateAuthority.certificate(
                intermediate ?? intermediateDetails(),
                signedBy: rootKey ?? root
            )
        )
    }

    func verify(_ chain: NoiseCertificateChain) throws(NoiseCertificateError) {
        _ = try verifier.verify(chain.serializedData(), serverStaticKey: serverStatic.publicKey)
    }

    @Test("a good chain verifies and yields both certificates' details")
    func valid() throws {
        let verified = try verifier.verify(
            try chain().serializedData(), serverStaticKey: serverStatic.publicKey)
        #expect(verified.intermediate == intermediateDetails())
        #expect(verified.leaf == leafDetails())
    }

    @Test("the authority issues chains that verify")
    func authority() throws {
        let authority = NoiseCertificateAuthority(
            rootKey: root, intermediateKey: intermediateKey, intermediateSerial: 41)
        let issued = try authority.issueChain(for: serverStatic.publicKey)
        let verified = try NoiseCertificateVerifier(trustedRootKey: authority.rootPublicKey)
            .verify(issued, serverStaticKey: serverStatic.publicKey)
        #expect(verified.intermediate.serial == 41)
        #expect(verified.intermediate.issuerSerial == 0)
        #expect(verified.leaf.issuerSerial == 41)
        #expect(verified.leaf.key == serverStatic.publicKey)
        #expect(try NoiseCertificateChain(serializedBytes: issued.serializedData()) == issued)
    }

    @Test("by default only WhatsApp's root is trusted")
    func defaultRoot() throws {
        let standard = NoiseCertificateVerifier()
        #expect(
            standard.trustedRootKey.hex == "142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b")
        #expect(throws: NoiseCertificateError.intermediateSignatureInvalid) {
            _ = try standard.verify(try chain(), serverStaticKey: serverStatic.publicKey)
        }
    }

    @Test("1a. the intermediate signature must be 64 bytes")
    func intermediateSignatureLength() throws {
        var bad = try chain()
        bad.intermediate.signature = bad.intermediate.signature.prefix(63)
        #expect(throws: NoiseCertificateError.invalidIntermediateSignatureLength(63)) { try verify(bad) }
    }

    @Test("1b. the leaf signature must be 64 bytes")
    func leafSignatureLength() throws {
        var bad = try chain()
        bad.leaf.signature.append(0)
        #expect(throws: NoiseCertificateError.invalidLeafSignatureLength(65)) { try verify(bad) }
    }

    @Test("2a. an intermediate signed by another root is refused")
    func wrongRoot() throws {
        #expect(throws: NoiseCertificateError.intermediateSignatureInvalid) {
            try verify(try chain(rootKey: .generate()))
        }
    }

    @Test("2b. intermediate details altered after signing are refused")
    func intermediateTampered() throws {
        var bad = try chain()
        var altered = intermediateDetails()
        altered.notAfter += 86_400
        bad.intermediate.details = altered.serializedData()
        #expect(throws: NoiseCertificateError.intermediateSignatureInvalid) { try verify(bad) }
    }

    @Test("3. the intermediate's issuer must be the root (serial 0)")
    func intermediateIssuerSerial() throws {
        var details = intermediateDetails()
        details.issuerSerial = 5
        #expect(throws: NoiseCertificateError.unexpectedIntermediateIssuerSerial(5)) {
            try verify(try chain(intermediate: details))
        }
    }

    @Test("4. the intermediate key must be 32 bytes")
    func intermediateKeyLength() throws {
        var details = intermediateDetails()
        details.key = details.key.prefix(31)
        #expect(throws: NoiseCertificateError.invalidIntermediateKeyLength(31)) {
            try verify(try chain(intermediate: details))
        }
    }

    @Test("5. the leaf must be signed by the intermediate key")
    func leafSignature() throws {
        #expect(throws: NoiseCertificateError.leafSignatureInvalid) {
            try verify(try chain(leafSigner: .generate()))
        }
    }

    @Test("6a. an intermediate not yet valid is refused")
    func intermediateNotYetValid() throws {
        var details = intermediateDetails()
        details.notBefore = now + 1
        #expect(throws: NoiseCertificateError.intermediateNotYetValid(notBefore: now + 1)) {
            try verify(try chain(intermediate: details))
        }
    }

    @Test("6b. an expired intermediate is refused")
    func intermediateExpired() throws {
        var details = intermediateDetails()
        details.notAfter = now - 1
        #expect(throws: NoiseCertificateError.intermediateExpired(notAfter: now - 1)) {
            try verify(try chain(intermediate: details))
        }
    }

    @Test("7. the leaf's issuer serial must be the intermediate's serial")
    func leafIssuerSerial() throws {
        var details = leafDetails()
        details.issuerSerial = 9
        #expect(throws: NoiseCertificateError.unexpectedLeafIssuerSerial(found: 9, expected: 7)) {
            try verify(try chain(leaf: details))
        }
    }

    @Test("8. the leaf key must be the server's static key")
    func leafKey() throws {
        var details = leafDetails()
        details.key = Curve25519KeyPair.generate().publicKey
        #expect(throws: NoiseCertificateError.leafKeyMismatch) { try verify(try chain(leaf: details)) }
    }

    @Test("9a. a leaf not yet valid is refused")
    func leafNotYetValid() throws {
        var details = leafDetails()
        details.notBefore = now + 30
        #expect(throws: NoiseCertificateError.leafNotYetValid(notBefore: now + 30)) {
            try verify(try chain(leaf: details))
        }
    }

    @Test("9b. an expired leaf is refused")
    func leafExpired() throws {
        var details = leafDetails()
        details.notAfter = now - 30
        #expect(throws: NoiseCertificateError.leafExpired(notAfter: now - 30)) {
            try verify(try chain(leaf: details))
        }
    }

    @Test("the validity window includes its ends, and the clock decides")
    func windowEnds() throws {
        var details = leafDetails()
        details.notBefore = now
        details.notAfter = now
        try verify(try chain(leaf: details))
        let later = NoiseCertificateVerifier(trustedRootKey: root.publicKey) { TestClock.now + 1 }
        #expect(throws: NoiseCertificateError.leafExpired(notAfter: now)) {
            _ = try later.verify(try chain(leaf: details), serverStaticKey: serverStatic.publicKey)
        }
    }

    @Test("bytes that are not a CertChain, or lack a part, are refused")
    func malformed() throws {
        #expect(throws: NoiseCertificateError.malformedChain) {
            _ = try verifier.verify(Data([0xFF, 0xFF, 0xFF]), serverStaticKey: serverStatic.publicKey)
        }
        let good = try chain()
        // Only the leaf: a CertChain with field 1 alone.
        var leafOnly = Data([0x0A, UInt8(good.leaf.details.count + good.leaf.signature.count + 4)])
        leafOnly.append(contentsOf: [0x0A, UInt8(good.leaf.details.count)] + good.leaf.details)
        leafOnly.append(contentsOf: [0x12, UInt8(good.leaf.signature.count)] + good.leaf.signature)
        #expect(throws: NoiseCertificateError.missingParts) {
            _ = try verifier.verify(leafOnly, serverStaticKey: serverStatic.publicKey)
        }
    }

    @Test("signed details that are not a Details protobuf are refused")
    func malformedDetails() throws {
        let garbage = Data([0xFF, 0x01])
        var bad = try chain()
        bad.intermediate = NoiseCertificateChain.Certificate(
            details: garbage, signature: try root.sign(garbage))
        #expect(throws: NoiseCertificateError.malformedDetails) { try verify(bad) }
    }
}
