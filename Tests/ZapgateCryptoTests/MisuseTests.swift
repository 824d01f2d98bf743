import Foundation
import Testing

@testable import ZapgateCrypto

/// Bad input gives a typed error, never a crash.
@Suite("Bad input")
struct MisuseTests {
    @Test func wrongKeyLengths() throws {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 31)) {
            try Curve25519KeyPair(privateKey: Data(count: 31))
        }
        let pair = Curve25519KeyPair.generate()
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 33)) {
            try pair.sharedSecret(with: Data(count: 33))
        }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 16)) {
            try AESGCM.seal(Data(), key: Data(count: 16), nonce: Data(count: 12))
        }
        #expect(throws: CryptoError.invalidNonceLength(expected: 12, actual: 8)) {
            try AESGCM.seal(Data(), key: Data(count: 32), nonce: Data(count: 8))
        }
        #expect(throws: CryptoError.invalidNonceLength(expected: 16, actual: 12)) {
            try AESCBC.encrypt(Data(), key: Data(count: 32), iv: Data(count: 12))
        }
    }

    @Test func lowOrderPointIsRejected() {
        let pair = Curve25519KeyPair.generate()
        #expect(throws: CryptoError.invalidPublicKey) { try pair.sharedSecret(with: Data(count: 32)) }
    }

    @Test func tamperedGCMFailsAuthentication() throws {
        let key = Data(repeating: 7, count: 32)
        var sealed = try AESGCM.seal(
            Data("hello".utf8), key: key, nonce: Data(count: 12), authenticating: Data("ad".utf8))
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(sealed, key: key, nonce: Data(count: 12), authenticating: Data("other".utf8))
        }
        sealed[0] ^= 0x01
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(sealed, key: key, nonce: Data(count: 12), authenticating: Data("ad".utf8))
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(Data(count: 5), key: key, nonce: Data(count: 12))
        }
    }

    @Test func badCBCPaddingAndLength() throws {
        let key = Data(repeating: 1, count: 32)
        let iv = Data(repeating: 2, count: 16)
        #expect(throws: CryptoError.invalidLength) { try AESCBC.decrypt(Data(count: 15), key: key, iv: iv) }
        #expect(throws: CryptoError.invalidLength) { try AESCBC.decrypt(Data(), key: key, iv: iv) }
        // Encrypting a block without padding and decrypting it with padding checks must fail:
        // a random final block is almost never valid PKCS#7 (a trailing 0x00 byte is never valid).
        var block = Data(repeating: 0x41, count: 16)
        block[15] = 0
        let ciphertext = try AESCBC.encrypt(block, key: key, iv: iv).prefix(16)
        #expect(throws: CryptoError.invalidPadding) { try AESCBC.decrypt(Data(ciphertext), key: key, iv: iv) }
    }

    @Test func signaturesRejectGarbage() {
        let pair = Curve25519KeyPair.generate()
        let message = Data("message".utf8)
        #expect(!XEdDSA.verify(publicKey: pair.publicKey, message: message, signature: Data(count: 63)))
        #expect(!XEdDSA.verify(publicKey: pair.publicKey, message: message, signature: Data(count: 64)))
        #expect(!XEdDSA.verify(publicKey: Data(count: 31), message: message, signature: Data(count: 64)))
        // u = p − 1 maps to no Edwards point.
        var minusOne = [UInt8](repeating: 0xFF, count: 32)
        minusOne[0] = 0xEC
        minusOne[31] = 0x7F
        #expect(MontgomeryPoint.edwardsY(fromU: minusOne) == nil)
        #expect(throws: CryptoError.invalidParameter("PBKDF2 iterations must be positive")) {
            try PBKDF2SHA256.deriveKey(password: Data(), salt: Data(), iterations: 0, outputByteCount: 32)
        }
    }

    /// libsignal ignores bit 255 of a Montgomery key and reduces it modulo p, as X25519 does;
    /// a key that still agrees must still verify.
    @Test func publicKeyHighBitAndNonCanonicalFormAreIgnoredAsLibsignalDoes() throws {
        let pair = Curve25519KeyPair.generate()
        let message = Data("bit 255".utf8)
        let signature = try pair.sign(message)
        var highBit = [UInt8](pair.publicKey)
        highBit[31] |= 0x80
        #expect(XEdDSA.verify(publicKey: Data(highBit), message: message, signature: signature))
        // p + 1 is a non-canonical encoding of u = 1.
        var pPlusOne = [UInt8](repeating: 0xFF, count: 32)
        pPlusOne[0] = 0xEE
        pPlusOne[31] = 0x7F
        var one = [UInt8](repeating: 0, count: 32)
        one[0] = 1
        #expect(MontgomeryPoint.edwardsY(fromU: pPlusOne) == MontgomeryPoint.edwardsY(fromU: one))
    }

    @Test func ourSignaturesVerifyAndBindTheMessage() throws {
        for _ in 0..<50 {
            let pair = Curve25519KeyPair.generate()
            let message = Data((0..<Int.random(in: 0...100)).map { _ in UInt8.random(in: 0...255) })
            let signature = try pair.sign(message)
            #expect(signature.count == 64)
            #expect(signature[63] & 0x80 == 0, "XEdDSA signs with the sign bit clear")
            #expect(pair.verify(signature, for: message))
            #expect(!pair.verify(signature, for: message + Data([0])))
        }
    }
}
