/// The 3-byte big-endian length in front of every frame and of the routing info.
enum NoiseFrameLength {
    static func encode(_ length: Int) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
            UInt8(truncatingIfNeeded: length),
        ]
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> Int {
        var length = 0
        for byte in bytes.prefix(3) { length = length << 8 | Int(byte) }
        return length
    }
}
