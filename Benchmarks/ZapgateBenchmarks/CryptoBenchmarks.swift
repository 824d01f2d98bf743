import Foundation
import ZapgateCrypto

/// XEdDSA signing and verification, and the AEAD every Noise frame goes through.
enum CryptoBenchmarks {
    static func run() throws -> [Measurement] {
        let pair = Curve25519KeyPair.generate()
        let message = Data(repeating: 0x5A, count: 33)
        let signature = try pair.sign(message)
        let peer = Curve25519KeyPair.generate()
        return [
            try measure("XEdDSA sign (33-byte message)") { _ = try pair.sign(message) },
            measure("XEdDSA verify (33-byte message)") {
                guard XEdDSA.verify(publicKey: pair.publicKey, message: message, signature: signature) else {
                    fatalError("benchmark signature did not verify")
                }
            },
            try measure("X25519 agreement") { _ = try pair.sharedSecret(with: peer.publicKey) },
        ]
    }
}
