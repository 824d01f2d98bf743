import Foundation
import Testing
import ZapgateCrypto

@testable import ZapgateSignal

/// Known answers for the key derivations. Published vectors exist for two of them, from
/// libsignal-java's own test suite (carried over into python-axolotl's tests): the chain-key
/// step of ChainKeyTest (HMAC with seed 0x02 does not depend on the message version) and the
/// v3 X3DH of RatchetingSessionTest (Bob's first sending chain key). libsignal publishes its
/// other test vectors only for message version 2 (a different HKDF), so the v3 message keys,
/// the root-key ratchet step and the sender-key chain are pinned with answers computed by
/// python-axolotl 0.2.3 from fixed inputs.
@Suite("KDF chains: published vectors and python-axolotl known answers")
struct KDFVectorTests {
    private func hex(_ text: String) -> Data { Data(hex: text) ?? Data() }

    @Test("libsignal ChainKeyTest: the next chain key")
    func publishedChainStep() throws {
        let seed = hex("8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f")
        let next = try ChainKey(key: seed, index: 0).next()
        #expect(next.key == hex("28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d"))
        #expect(next.index == 1)
    }

    @Test("libsignal RatchetingSessionTest: v3 session as Bob")
    func publishedRatchetingSessionAsBob() throws {
        let bobIdentity = try Curve25519KeyPair(
            privateKey: hex("4875cc69ddf8ea0719ec947d61081135868d5fd801f02c0225e516df2156605e"))
        #expect(
            bobIdentity.publicKey == hex("f1f43874f6966956c2dd473f8fa15adeb71d1cb991b2341692324cefb1c5e626"))
        let bobSignedPreKey = try Curve25519KeyPair(
            privateKey: hex("583900131fb727998b7803fe6ac22cc591f342e4e42a8c8d5d78194209b8d253"))
        #expect(
            bobSignedPreKey.publicKey
                == hex("ac248a8f263be6863576eb0362e28c828f0107a3379d34bab1586bf8c770cd67"))
        let state = try X3DH.responderState(
            ourIdentity: bobIdentity,
            ourSignedPreKey: bobSignedPreKey,
            ourOneTimePreKey: nil,
            theirIdentity: hex("b4a8455660ada65b401007f615e654041746432e3339c6875149bceefcb42b4a"),
            theirBaseKey: hex("472d1fb1a9862c3af6beaca8920277e2b26f4a79213ec7c906aeb35e03cf8950"))
        #expect(
            state.sendingChain.chainKey.key
                == hex("9797caca53c989bbe229a40ca7727010eb2604fc14945d77958a0aeda088b44d"))
    }

    @Test("v3 message keys of a chain (python-axolotl known answer)")
    func messageKeys() throws {
        let chain = ChainKey(key: Data(0..<32), index: 0)
        let first = try chain.messageKeys()
        #expect(first.cipherKey == hex("86268814b41f5fd154659f26873660e3dbc8b205155c3b59b8570b015d773c0c"))
        #expect(first.macKey == hex("dea51fa5beca2618971c4292647b81e83f2b4edd03e0d292a87ec66e0163abdb"))
        #expect(first.iv == hex("21cfd5b9956a1631f6b7b5b5bdf7b791"))
        let next = try chain.next()
        #expect(next.key == hex("4304c22c84a53755ab08ead8d97a8d429be5efa480682d7ad1da27f73e1fbe1d"))
        let second = try next.messageKeys()
        #expect(second.counter == 1)
        #expect(second.cipherKey == hex("8a749e971a1ad3f7fbf25df4914efa0dc3b5ccb810566e969f80154d0d01bf4c"))
        #expect(second.macKey == hex("ad559c15a8ae3500d76ca3d23c9114da54ecf2c0a495ec6f626ab4d99515166b"))
        #expect(second.iv == hex("bc956dcf3e13b3b75e6c73a8f78c5115"))
    }

    @Test("root-key ratchet step (python-axolotl known answer)")
    func rootStep() throws {
        let ours = try Curve25519KeyPair(privateKey: Data(repeating: 0x11, count: 32))
        let theirs = try Curve25519KeyPair(privateKey: Data(repeating: 0x22, count: 32))
        let (root, chain) = try RootKey(key: Data(repeating: 0x33, count: 32))
            .step(theirRatchetKey: theirs.publicKey, ourRatchetKey: ours)
        #expect(root.key == hex("0ea4d3b146671fbfc6719098feb2de91d0f6ef468151bde0bce80fad5792b254"))
        #expect(chain.key == hex("7f3a775e64b6326014e5f61b37aa1dc40bcae40a82b079fa290ad52ecba28779"))
        #expect(chain.index == 0)
    }

    @Test("X3DH master secret expansion with \"WhisperText\" (python-axolotl known answer)")
    func textExpansion() {
        let (root, chain) = X3DH.derive(Data(repeating: 0xFF, count: 32) + Data(0..<96))
        #expect(root.key == hex("88b7d6c6a7fe083f834252ca267f63a6f2cdabffe0a0d37034b13f6495d3c2ed"))
        #expect(chain.key == hex("4bea70f425ca160d28a71fb69ebec3bccf7722d890fcc8427a47d4943852411b"))
    }

    @Test("sender-key chain and \"WhisperGroup\" message keys (python-axolotl known answer)")
    func senderChain() throws {
        let chain = SenderChainKey(iteration: 0, seed: Data(0..<32))
        let first = try chain.messageKey()
        #expect(first.iv == hex("ed1f5e26325b1399f6a34c76e47ff047"))
        #expect(first.cipherKey == hex("d89f10a08215e845ceb4df3fc59c052ad09e01cd499650025ff83df48ed656e6"))
        let next = try chain.next()
        #expect(next.iteration == 1)
        #expect(next.seed == hex("4304c22c84a53755ab08ead8d97a8d429be5efa480682d7ad1da27f73e1fbe1d"))
        #expect(try next.messageKey().iv == hex("574f6661ef5e42e6d75902e5d361e82e"))
        #expect(
            try next.messageKey().cipherKey
                == hex("884e6819a3409f789eab3bf21b662b9263d03c62709a800906823961bd3dcb22"))
    }
}
