import CZlib

/// zlib (RFC 1950) inflation with a hard cap on the output size.
enum Zlib {
    private static let chunkSize = 64 * 1024

    /// Inflates `input`, failing as soon as the output would exceed `limit` bytes, so that a
    /// small hostile payload cannot claim gigabytes. Bytes after the end of the zlib stream are
    /// ignored, as Go's zlib reader (whatsmeow) ignores them.
    static func inflate(_ input: [UInt8], limit: Int) -> Result<[UInt8], BinaryNodeDecodingError> {
        // zlib counts input in 32 bits; frames are at most 16 MiB, so more is not a payload.
        guard input.count <= Int(UInt32.max) else { return .failure(.inflateFailed("input over 4 GiB")) }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(.inflateFailed("inflateInit failed"))
        }
        defer { inflateEnd(&stream) }

        var source = input
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return source.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, outputBuffer.count - Int(stream.avail_out))
                }
                guard output.count + produced <= limit else {
                    return .failure(.inflatedSizeExceedsLimit(limit: limit))
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return .success(output)
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced == 0:
                    // Fresh output space but no progress: the input ended before the stream did.
                    return .failure(.inflateFailed("truncated zlib stream"))
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    return .failure(.inflateFailed(message))
                }
            }
        }
    }
}
