import Foundation
import ZapgateCrypto
import ZapgateProtocol

/// Media encryption and decryption (AES-256-CBC, HMAC-SHA256 and both SHA-256 hashes) at the
/// sizes of a thumbnail, a photo and a video. Decryption includes every check a download does.
enum MediaBenchmarks {
    static let sizes = [(64 << 10, "64 KiB"), (1 << 20, "1 MiB"), (16 << 20, "16 MiB")]

    static func run() throws -> [Measurement] {
        var results: [Measurement] = []
        for (size, label) in sizes {
            var plaintext = Data(count: size)
            plaintext.withUnsafeMutableBytes { buffer in
                for index in buffer.indices { buffer[index] = UInt8(truncatingIfNeeded: index &* 131 &+ 7) }
            }
            let sealed = try MediaCipher.encrypt(plaintext, kind: .video)
            let seconds = size >= 16 << 20 ? 4.0 : 2.0
            results.append(
                try measure("media encrypt (\(label))", bytesPerOperation: size, minimumSeconds: seconds) {
                    _ = try MediaCipher.encrypt(plaintext, kind: .video)
                })
            results.append(
                try measure(
                    "media decrypt and verify (\(label))", bytesPerOperation: size, minimumSeconds: seconds
                ) {
                    _ = try MediaCipher.decrypt(
                        sealed.body, kind: .video, mediaKey: sealed.mediaKey,
                        fileEncSHA256: sealed.fileEncSHA256,
                        fileSHA256: sealed.fileSHA256)
                })
            results.append(
                try measure(
                    "media encrypt + decrypt (\(label))", bytesPerOperation: size, minimumSeconds: seconds
                ) {
                    let round = try MediaCipher.encrypt(plaintext, kind: .video)
                    _ = try MediaCipher.decrypt(
                        round.body, kind: .video, mediaKey: round.mediaKey,
                        fileEncSHA256: round.fileEncSHA256,
                        fileSHA256: round.fileSHA256)
                })
        }
        results += try components()
        return results
    }

    /// The primitives one encryption is made of, at 1 MiB, to show where the time goes: a
    /// body costs two SHA-256 passes, one HMAC pass and one AES-CBC pass.
    static func components() throws -> [Measurement] {
        let size = 1 << 20
        let data = Data(repeating: 0xA5, count: size)
        let key = Data(repeating: 1, count: 32)
        let iv = Data(repeating: 2, count: 16)
        return [
            measure("SHA-256 (1 MiB)", bytesPerOperation: size) { _ = SHA256Digest.hash(data) },
            measure("HMAC-SHA256 (1 MiB)", bytesPerOperation: size) {
                _ = HMACSHA256.authenticationCode(for: data, key: key)
            },
            try measure("AES-256-CBC encrypt (1 MiB)", bytesPerOperation: size) {
                _ = try AESCBC.encrypt(data, key: key, iv: iv)
            },
        ]
    }
}
