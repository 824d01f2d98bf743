import Foundation
import Testing
import ZapgateTestSupport

@testable import ZapgateCrypto

/// Our Curve25519 operations against python-axolotl's (Oracles/axolotl_oracle.py).
@Suite("Interop: python-axolotl curve")
struct AxolotlInteropTests {
    static let keyCount = 200

    @Test("200 random key pairs: public keys, agreements and signatures both ways")
    func randomKeys() throws {
        let oracle = try OracleProcess(script: "axolotl_oracle.py", environment: .signal)
        var theirSignaturesWithSignBit = 0
        for index in 0..<Self.keyCount {
            let ours = Curve25519KeyPair.generate()
            let peer = Curve25519KeyPair.generate()
            let message =
                Data("key \(index): ".utf8) + Data((0..<index).map { UInt8(truncatingIfNeeded: $0 &* 31) })

            let theirPublic =
                try oracle.call(["op": "keypair", "priv": ours.privateKey.hex])["pub"] as? String
            #expect(theirPublic == ours.publicKey.hex)

            let theirShared = try oracle.call([
                "op": "agree", "priv": ours.privateKey.hex, "pub": peer.publicKey.hex,
            ])
            #expect(theirShared["shared"] as? String == (try peer.sharedSecret(with: ours.publicKey)).hex)

            let ourSignature = try ours.sign(message)
            let verdict = try oracle.call([
                "op": "verify", "pub": ours.publicKey.hex, "msg": message.hex, "sig": ourSignature.hex,
            ])
            #expect(verdict["ok"] as? Bool == true, "axolotl rejected our signature \(index)")

            let reply = try oracle.call(["op": "sign", "priv": ours.privateKey.hex, "msg": message.hex])
            let theirSignature = try #require(Data(hex: reply["sig"] as? String ?? ""))
            if theirSignature.last.map({ $0 & 0x80 != 0 }) == true { theirSignaturesWithSignBit += 1 }
            #expect(
                XEdDSA.verify(publicKey: ours.publicKey, message: message, signature: theirSignature),
                "we rejected axolotl's signature \(index)")

            // Both verifiers must also say no to a signature over another message.
            let wrong = try oracle.call([
                "op": "verify", "pub": ours.publicKey.hex, "msg": (message + Data([1])).hex,
                "sig": ourSignature.hex,
            ])
            #expect(wrong["ok"] as? Bool == false)
            #expect(
                !XEdDSA.verify(
                    publicKey: ours.publicKey, message: message + Data([1]), signature: theirSignature))
        }
        // About half of libsignal-style signatures carry the Edwards sign bit; if none did, the
        // sign-bit path of our verifier would be untested.
        #expect(theirSignaturesWithSignBit > Self.keyCount / 5)
    }
}
