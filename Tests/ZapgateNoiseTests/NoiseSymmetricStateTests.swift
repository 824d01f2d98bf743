import Foundation
import Testing
import ZapgateNoise
import ZapgateTestSupport

@Suite("Symmetric state")
struct NoiseSymmetricStateTests {
    @Test("h starts as the 32-byte name, then hashes in the WA prologue")
    func initialHash() {
        let state = NoiseSymmetricState()
        // sha256("Noise_XX_25519_AESGCM_SHA256\0\0\0\0" ‖ "WA" 06 03)
        #expect(state.handshakeHash.hex == "ffff0c9267310966f1311170c04b38c79504285bf5edf763e5c946492a50a755")
        #expect(!state.hasKey)
        #expect(NoiseConstants.protocolName.count == 32)
    }

    @Test("without a key, payloads pass through and are not hashed")
    func noKeyNoHash() throws {
        var state = NoiseSymmetricState()
        let before = state.handshakeHash
        #expect(try state.encryptAndHash(Data("x")) == Data("x"))
        #expect(try state.decryptAndHash(Data()) == Data())
        #expect(state.handshakeHash == before)
    }

    @Test("both sides stay in step through MixKey, encrypt and decrypt")
    func inStep() throws {
        var alice = NoiseSymmetricState()
        var bob = NoiseSymmetricState()
        alice.mixHash(Data("e"))
        bob.mixHash(Data("e"))
        alice.mixKey(Data("shared secret"))
        bob.mixKey(Data("shared secret"))
        for index in 0..<3 {
            let sealed = try alice.encryptAndHash(Data("message \(index)"))
            #expect(sealed.count == Data("message \(index)").count + 16)
            #expect(try bob.decryptAndHash(sealed) == Data("message \(index)"))
        }
        #expect(alice.handshakeHash == bob.handshakeHash)
        #expect(alice.split() == bob.split())
    }

    @Test("the handshake hash authenticates: a different h fails to decrypt")
    func hashIsAssociatedData() throws {
        var alice = NoiseSymmetricState()
        var bob = NoiseSymmetricState()
        alice.mixKey(Data("k"))
        bob.mixKey(Data("k"))
        bob.mixHash(Data("something alice did not see"))
        let sealed = try alice.encryptAndHash(Data("hi"))
        #expect(throws: NoiseHandshakeError.decryptionFailed) { try bob.decryptAndHash(sealed) }
    }
}
