import Foundation

/// The 12-byte AES-GCM nonce WhatsApp derives from a message counter: 8 zero bytes, then the
/// counter as a big-endian `UInt32`. For counters below 2^32 this equals the Noise
/// specification's 4 zero bytes ‖ 64-bit big-endian counter.
enum NoiseNonce {
    static func make(_ counter: UInt32) -> Data {
        var nonce = Data(count: 12)
        nonce[8] = UInt8(truncatingIfNeeded: counter >> 24)
        nonce[9] = UInt8(truncatingIfNeeded: counter >> 16)
        nonce[10] = UInt8(truncatingIfNeeded: counter >> 8)
        nonce[11] = UInt8(truncatingIfNeeded: counter)
        return nonce
    }
}
