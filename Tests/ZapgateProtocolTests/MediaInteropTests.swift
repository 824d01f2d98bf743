import Foundation
import Testing
import ZapgateCrypto
import ZapgateProtocol
import ZapgateTestSupport

/// Our media cipher against Oracles/media_oracle.py: an implementation over Python's
/// `cryptography` written from the protocol facts (the kinds' info strings and upload types,
/// the derived keys, bodies both ways at every kind and awkward sizes, each way a body can be
/// damaged), and baileys-python's own key derivation for the kinds Baileys names.
@Suite("Interop: media encryption")
struct MediaInteropTests {
    /// Empty, under a block, each side of a block boundary, and a few larger bodies.
    static let sizes = [0, 1, 15, 16, 17, 31, 32, 33, 1000, 4099, 65_536, 65_537]

    @Test("Every kind has the oracle's HKDF info and upload type")
    func kindTables() throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        let table = try #require(try oracle.call(["op": "kinds"])["kinds"] as? [String: [String: String]])
        #expect(Set(table.keys) == Set(MediaKind.allCases.map(\.rawValue)))
        for kind in MediaKind.allCases {
            #expect(table[kind.rawValue]?["info"] == kind.hkdfInfo, "\(kind)")
            #expect(table[kind.rawValue]?["mms_type"] == kind.mmsType, "\(kind)")
        }
    }

    @Test("Derived keys agree for every kind")
    func derivedKeys() throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        var random = SeededGenerator(seed: 0x6D65_6469_61)
        for kind in MediaKind.allCases {
            let mediaKey = Self.bytes(32, &random)
            let keys = try MediaKeys(mediaKey: mediaKey, kind: kind)
            let theirs = try oracle.call(["op": "keys", "kind": kind.rawValue, "media_key": mediaKey.hex])
            #expect(theirs["iv"] as? String == keys.iv.hex)
            #expect(theirs["cipher_key"] as? String == keys.cipherKey.hex)
            #expect(theirs["mac_key"] as? String == keys.macKey.hex)
            #expect(theirs["ref_key"] as? String == keys.refKey.hex)
        }
    }

    @Test("Bodies both ways for every kind and size", arguments: MediaKind.allCases)
    func bothWays(kind: MediaKind) throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        var random = SeededGenerator(seed: UInt64(kind.rawValue.utf8.count) &* 7919)
        for size in Self.sizes {
            let plaintext = Self.bytes(size, &random)

            // Ours, opened by the oracle.
            let ours = try MediaCipher.encrypt(plaintext, kind: kind)
            #expect(ours.fileLength == UInt64(size))
            #expect(ours.body.count == (size / 16 + 1) * 16 + 10)
            let opened = try oracle.call([
                "op": "decrypt", "kind": kind.rawValue, "media_key": ours.mediaKey.hex, "body": ours.body.hex,
                "file_enc_sha256": ours.fileEncSHA256.hex, "file_sha256": ours.fileSHA256.hex,
            ])
            #expect(opened["plaintext"] as? String == plaintext.hex, "\(kind) \(size): \(opened)")

            // Theirs, opened by us; the same key must also give the very same body here.
            let mediaKey = Self.bytes(32, &random)
            let theirs = try oracle.call([
                "op": "encrypt", "kind": kind.rawValue, "media_key": mediaKey.hex, "plaintext": plaintext.hex,
            ])
            let body = try #require(Data(hex: theirs["body"] as? String ?? ""))
            let fileEncSHA256 = try #require(Data(hex: theirs["file_enc_sha256"] as? String ?? ""))
            let fileSHA256 = try #require(Data(hex: theirs["file_sha256"] as? String ?? ""))
            #expect(theirs["file_length"] as? Int == size)
            let decrypted = try MediaCipher.decrypt(
                body, kind: kind, mediaKey: mediaKey, fileEncSHA256: fileEncSHA256, fileSHA256: fileSHA256)
            #expect(decrypted == plaintext, "\(kind) \(size)")
            let again = try MediaCipher.encrypt(plaintext, kind: kind, mediaKey: mediaKey)
            #expect(
                again.body == body && again.fileEncSHA256 == fileEncSHA256 && again.fileSHA256 == fileSHA256)
            #expect(MediaEndpoint.token(for: fileEncSHA256) == theirs["token"] as? String)
            #expect(
                MediaEndpoint.token(for: fileEncSHA256, padded: false) == theirs["token_unpadded"] as? String)
        }
    }

    /// Baileys' names for the kinds it has.
    static let baileysKinds: [MediaKind] = [
        .image, .sticker, .video, .gif, .audio, .voiceNote, .document, .appState,
    ]

    @Test("baileys-python's key derivation and primitives give our bodies", arguments: baileysKinds)
    func baileys(kind: MediaKind) throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        var random = SeededGenerator(seed: 0xBA11 &+ UInt64(kind.rawValue.utf8.count))
        for size in [0, 15, 16, 1000, 65_537] {
            let plaintext = Self.bytes(size, &random)
            let ours = try MediaCipher.encrypt(plaintext, kind: kind)
            let theirs = try oracle.call([
                "op": "baileys_encrypt", "kind": kind.rawValue, "media_key": ours.mediaKey.hex,
                "plaintext": plaintext.hex,
            ])
            #expect(theirs["body"] as? String == ours.body.hex, "\(kind) \(size)")
            #expect(theirs["file_enc_sha256"] as? String == ours.fileEncSHA256.hex)
            #expect(theirs["file_sha256"] as? String == ours.fileSHA256.hex)
            let opened = try oracle.call([
                "op": "baileys_decrypt", "kind": kind.rawValue, "media_key": ours.mediaKey.hex,
                "body": ours.body.hex,
            ])
            #expect(opened["plaintext"] as? String == plaintext.hex)
            var damaged = ours.body
            damaged[0] ^= 1
            let refused = try oracle.call([
                "op": "baileys_decrypt", "kind": kind.rawValue, "media_key": ours.mediaKey.hex,
                "body": damaged.hex,
            ])
            #expect(refused["rejected"] as? String == "mac")
        }
    }

    @Test("A 1 MiB body both ways")
    func largeBody() throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        var random = SeededGenerator(seed: 1 << 20)
        let plaintext = Self.bytes((1 << 20) + 5, &random)
        let ours = try MediaCipher.encrypt(plaintext, kind: .document)
        let opened = try oracle.call([
            "op": "decrypt", "kind": "document", "media_key": ours.mediaKey.hex, "body": ours.body.hex,
            "file_enc_sha256": ours.fileEncSHA256.hex, "file_sha256": ours.fileSHA256.hex,
        ])
        #expect(opened["plaintext"] as? String == plaintext.hex)
        let theirs = try oracle.call([
            "op": "encrypt", "kind": "document", "media_key": ours.mediaKey.hex, "plaintext": plaintext.hex,
        ])
        #expect(theirs["body"] as? String == ours.body.hex)
    }

    /// One way of damaging an upload, what we must throw and what the oracle must say.
    struct Tamper: CustomTestStringConvertible, Sendable {
        let name: String
        let expected: MediaError
        let oracleReason: String
        let damage: @Sendable (inout Damaged) -> Void
        var testDescription: String { name }
    }

    /// What a download hands the decryptor.
    struct Damaged: Sendable {
        var kind: MediaKind
        var body: Data
        var mediaKey: Data
        var fileEncSHA256: Data
        var fileSHA256: Data

        /// Makes the encrypted hash match the damaged body, so a later check is reached.
        mutating func rehash() { fileEncSHA256 = SHA256Digest.hash(body) }
    }

    static let tampers: [Tamper] = [
        Tamper(
            name: "a ciphertext byte flipped", expected: .encryptedHashMismatch, oracleReason: "enc_sha256"
        ) {
            $0.body[3] ^= 0x01
        },
        Tamper(name: "a ciphertext byte flipped, hash updated", expected: .macMismatch, oracleReason: "mac") {
            $0.body[3] ^= 0x01
            $0.rehash()
        },
        Tamper(name: "a MAC byte flipped, hash updated", expected: .macMismatch, oracleReason: "mac") {
            $0.body[$0.body.count - 1] ^= 0x80
            $0.rehash()
        },
        Tamper(name: "wrong fileSHA256", expected: .plaintextHashMismatch, oracleReason: "sha256") {
            $0.fileSHA256[0] ^= 0xFF
        },
        Tamper(name: "wrong fileEncSHA256", expected: .encryptedHashMismatch, oracleReason: "enc_sha256") {
            $0.fileEncSHA256[31] ^= 0x01
        },
        Tamper(name: "wrong media key", expected: .macMismatch, oracleReason: "mac") {
            $0.mediaKey[0] ^= 0x01
        },
        Tamper(name: "decrypted as another kind", expected: .macMismatch, oracleReason: "mac") {
            $0.kind = .video
        },
        Tamper(name: "truncated by one byte", expected: .truncated(length: 57), oracleReason: "short") {
            $0.body.removeLast()
            $0.rehash()
        },
        Tamper(name: "truncated by a block", expected: .macMismatch, oracleReason: "mac") {
            $0.body.removeFirst(16)
            $0.rehash()
        },
        Tamper(name: "truncated to the MAC", expected: .truncated(length: 10), oracleReason: "short") {
            $0.body = $0.body.suffix(10)
            $0.rehash()
        },
        Tamper(name: "empty body", expected: .truncated(length: 0), oracleReason: "short") {
            $0.body = Data()
            $0.rehash()
        },
    ]

    @Test("Each kind of damage gives its error, and the oracle agrees", arguments: tampers)
    func damaged(tamper: Tamper) throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        // 40 bytes: a 58-byte body (three blocks and the MAC).
        let plaintext = Data((0..<40).map { UInt8($0) })
        let sealed = try MediaCipher.encrypt(plaintext, kind: .image)
        var damaged = Damaged(
            kind: .image, body: sealed.body, mediaKey: sealed.mediaKey, fileEncSHA256: sealed.fileEncSHA256,
            fileSHA256: sealed.fileSHA256)
        tamper.damage(&damaged)
        #expect(throws: tamper.expected) {
            try MediaCipher.decrypt(
                damaged.body, kind: damaged.kind, mediaKey: damaged.mediaKey,
                fileEncSHA256: damaged.fileEncSHA256, fileSHA256: damaged.fileSHA256)
        }
        let verdict = try oracle.call([
            "op": "decrypt", "kind": damaged.kind.rawValue, "media_key": damaged.mediaKey.hex,
            "body": damaged.body.hex, "file_enc_sha256": damaged.fileEncSHA256.hex,
            "file_sha256": damaged.fileSHA256.hex,
        ])
        #expect(verdict["rejected"] as? String == tamper.oracleReason, "\(verdict)")
    }

    @Test("An authenticated body with bad padding is undecryptable for both")
    func badPadding() throws {
        let oracle = try OracleProcess(script: "media_oracle.py", environment: .signal)
        let mediaKey = Data(repeating: 0x42, count: 32)
        let keys = try MediaKeys(mediaKey: mediaKey, kind: .audio)
        // Two zero blocks encrypt to two blocks and a padding block; without the padding block
        // the last plaintext byte is 0, which no PKCS#7 padding ends in.
        let zeros = Data(count: 32)
        let ciphertext = try AESCBC.encrypt(zeros, key: keys.cipherKey, iv: keys.iv).prefix(32)
        let mac = HMACSHA256.authenticationCode(for: keys.iv + ciphertext, key: keys.macKey).prefix(10)
        let body = Data(ciphertext) + mac
        let fileEncSHA256 = SHA256Digest.hash(body)
        #expect(throws: MediaError.undecryptable) {
            try MediaCipher.decrypt(
                body, kind: .audio, mediaKey: mediaKey, fileEncSHA256: fileEncSHA256,
                fileSHA256: SHA256Digest.hash(zeros))
        }
        let verdict = try oracle.call([
            "op": "decrypt", "kind": "audio", "media_key": mediaKey.hex, "body": body.hex,
            "file_enc_sha256": fileEncSHA256.hex, "file_sha256": SHA256Digest.hash(zeros).hex,
        ])
        #expect(verdict["rejected"] as? String == "padding")
    }

    @Test func malformedInputsAreRefusedBeforeAnyCrypto() throws {
        let sealed = try MediaCipher.encrypt(Data("hello".utf8), kind: .document)
        #expect(throws: MediaError.invalidMediaKey(length: 31)) {
            try MediaCipher.encrypt(Data(), kind: .image, mediaKey: Data(count: 31))
        }
        #expect(throws: MediaError.invalidMediaKey(length: 0)) {
            try MediaCipher.decrypt(
                sealed.body, kind: .document, mediaKey: Data(), fileEncSHA256: sealed.fileEncSHA256,
                fileSHA256: sealed.fileSHA256)
        }
        #expect(throws: MediaError.invalidHash(field: "fileEncSHA256", length: 0)) {
            try MediaCipher.decrypt(
                sealed.body, kind: .document, mediaKey: sealed.mediaKey, fileEncSHA256: Data(),
                fileSHA256: sealed.fileSHA256)
        }
        #expect(throws: MediaError.invalidHash(field: "fileSHA256", length: 16)) {
            try MediaCipher.decrypt(
                sealed.body, kind: .document, mediaKey: sealed.mediaKey, fileEncSHA256: sealed.fileEncSHA256,
                fileSHA256: Data(count: 16))
        }
        // Fresh keys every time unless one is given.
        let other = try MediaCipher.encrypt(Data("hello".utf8), kind: .document)
        #expect(other.mediaKey != sealed.mediaKey && other.body != sealed.body)
        #expect(other.fileSHA256 == sealed.fileSHA256)
    }

    static func bytes(_ count: Int, _ random: inout SeededGenerator) -> Data {
        var data = Data(count: count)
        for index in 0..<count { data[index] = UInt8.random(in: .min ... .max, using: &random) }
        return data
    }
}
