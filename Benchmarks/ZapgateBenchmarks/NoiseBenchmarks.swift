import Foundation
import ZapgateNoise

/// The transport cipher every frame passes through after the handshake: one seal on the
/// sender and one open on the receiver per operation.
enum NoiseBenchmarks {
    static func run() throws -> [Measurement] {
        var results: [Measurement] = []
        for size in [256, 16 << 10] {
            let key = Data(repeating: 0x42, count: 32)
            var sender = try NoiseCipher(key: key)
            var receiver = try NoiseCipher(key: key)
            let frame = Data(repeating: 0xA5, count: size)
            results.append(
                try measure("Noise transport seal+open, \(size) B frames", bytesPerOperation: size) {
                    let sealed = try sender.seal(frame)
                    _ = try receiver.open(sealed)
                })
        }
        return results
    }
}
