import CSodium
import Crypto
import Foundation
import Testing
import ZapgateTestSupport

@testable import ZapgateCrypto

/// Published test vectors. Each was also checked against Python's `cryptography` package.
@Suite("Published vectors")
struct PublishedVectorTests {
    @Test("RFC 7748 §6.1: X25519 key pairs and shared secret")
    func x25519Agreement() throws {
        let alice = try Curve25519KeyPair(
            privateKey: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try Curve25519KeyPair(
            privateKey: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(alice.publicKey.hex == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        #expect(bob.publicKey.hex == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
        #expect(try alice.sharedSecret(with: bob.publicKey).hex == shared)
        #expect(try bob.sharedSecret(with: alice.publicKey).hex == shared)
    }

    @Test("RFC 7748 §5.2: X25519 scalar multiplication")
    func x25519Scalar() throws {
        let pair = try Curve25519KeyPair(
            privateKey: hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"))
        let out = try pair.sharedSecret(
            with: hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
        #expect(out.hex == "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")
    }

    /// RFC 8032 §7.1 signatures verify through our XEdDSA verifier once the Ed25519 public key is
    /// mapped to its Montgomery form; this exercises the u → y mapping and the Ed25519 core. The
    /// third vector's key has its sign bit set, which libsignal carries in the signature's top bit.
    @Test(
        "RFC 8032 §7.1: Ed25519 signatures verify through XEdDSA",
        arguments: [
            (
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ),
            (
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            ),
            (
                "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
            ),
        ])
    func ed25519ThroughXEdDSA(edPublic: String, message: String, signature: String) throws {
        let edKey = try hex(edPublic)
        let montgomery = try montgomeryU(fromEdwards: edKey)
        var sig = [UInt8](try hex(signature))
        sig[63] |= edKey[31] & 0x80
        #expect(XEdDSA.verify(publicKey: montgomery, message: try hex(message), signature: Data(sig)))
        sig[10] ^= 1
        #expect(!XEdDSA.verify(publicKey: montgomery, message: try hex(message), signature: Data(sig)))
    }

    /// The Ed25519 private scalar of an RFC 8032 seed, used as a Curve25519 private key, gives the
    /// Montgomery form of the vector's public key.
    @Test("RFC 8032 §7.1: the same scalar gives the birationally equivalent public key")
    func scalarMapsAcrossForms() throws {
        let seed = try hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let scalar = Data(SHA512.hash(data: seed)).prefix(32)
        let pair = try Curve25519KeyPair(privateKey: Data(scalar))
        let expected = try montgomeryU(
            fromEdwards: hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        #expect(pair.publicKey == expected)
    }

    @Test("RFC 5869 A.1 and A.3: HKDF-SHA256")
    func hkdf() throws {
        let a1 = HKDFSHA256.deriveKey(
            inputKeyMaterial: Data(repeating: 0x0B, count: 22), salt: try hex("000102030405060708090a0b0c"),
            info: try hex("f0f1f2f3f4f5f6f7f8f9"), outputByteCount: 42)
        #expect(
            a1.hex == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        let a3 = HKDFSHA256.deriveKey(
            inputKeyMaterial: Data(repeating: 0x0B, count: 22), salt: Data(), info: Data(),
            outputByteCount: 42)
        #expect(
            a3.hex == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    @Test("RFC 4231 §4.2–4.3: HMAC-SHA256")
    func hmac() {
        let one = HMACSHA256.authenticationCode(
            for: Data("Hi There".utf8), key: Data(repeating: 0x0B, count: 20))
        #expect(one.hex == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let two = HMACSHA256.authenticationCode(
            for: Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8))
        #expect(two.hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            HMACSHA256.isValid(
                two.prefix(8), for: Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8),
                truncatedTo: 8))
        #expect(
            !HMACSHA256.isValid(
                one.prefix(8), for: Data("what do ya want for nothing?".utf8), key: Data("Jefe".utf8),
                truncatedTo: 8))
    }

    @Test("GCM specification test cases 13–16: AES-256-GCM")
    func aesGCM() throws {
        let zero = Data(repeating: 0, count: 32)
        #expect(
            try AESGCM.seal(Data(), key: zero, nonce: Data(count: 12)).hex
                == "530f8afbc74536b9a963b4f1c4cb738b")
        #expect(
            try AESGCM.seal(Data(count: 16), key: zero, nonce: Data(count: 12)).hex
                == "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919")
        let key = try hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let iv = try hex("cafebabefacedbaddecaf888")
        let plaintext = try hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        )
        let aad = try hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let sealed = try AESGCM.seal(plaintext, key: key, nonce: iv, authenticating: aad)
        #expect(
            sealed.hex
                == "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b")
        #expect(try AESGCM.open(sealed, key: key, nonce: iv, authenticating: aad) == plaintext)
    }

    @Test("NIST SP 800-38A F.2.5 and F.5.5: AES-256-CBC and AES-256-CTR")
    func aesCBCAndCTR() throws {
        let key = try hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        let plaintext = try hex(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
        )
        let cbc = try AESCBC.encrypt(plaintext, key: key, iv: hex("000102030405060708090a0b0c0d0e0f"))
        // A whole block of PKCS#7 padding follows the four vector blocks.
        #expect(cbc.count == 80)
        #expect(
            cbc.prefix(64).hex
                == "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"
        )
        #expect(try AESCBC.decrypt(cbc, key: key, iv: hex("000102030405060708090a0b0c0d0e0f")) == plaintext)
        let ctr = try AESCTR.apply(plaintext, key: key, iv: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
        #expect(
            ctr.hex
                == "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"
        )
        #expect(try AESCTR.apply(ctr, key: key, iv: hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")) == plaintext)
    }

    @Test("RFC 7914 §11: PBKDF2-HMAC-SHA256")
    func pbkdf2() throws {
        let one = try PBKDF2SHA256.deriveKey(
            password: Data("passwd".utf8), salt: Data("salt".utf8), iterations: 1, outputByteCount: 64)
        #expect(
            one.hex
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
        )
        let many = try PBKDF2SHA256.deriveKey(
            password: Data("Password".utf8), salt: Data("NaCl".utf8), iterations: 80_000, outputByteCount: 64)
        #expect(
            many.hex
                == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"
        )
    }
}

/// Parses a hex literal in a test, failing the test rather than crashing on a typo.
func hex(_ string: String) throws -> Data {
    try #require(Data(hex: string), "bad hex literal \(string)")
}

/// The Montgomery u of an Ed25519 public key, by libsodium's own conversion (an independent
/// implementation of the map that ``MontgomeryPoint`` inverts).
func montgomeryU(fromEdwards edPublic: Data) throws -> Data {
    var out = [UInt8](repeating: 0, count: 32)
    let status = crypto_sign_ed25519_pk_to_curve25519(&out, [UInt8](edPublic))
    try #require(status == 0)
    return Data(out)
}
