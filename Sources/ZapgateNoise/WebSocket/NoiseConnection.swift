import Foundation

/// An established Noise connection over a WebSocket: send plaintext frames with ``send(_:)``,
/// read decrypted frames from ``frames``.
///
/// ``frames`` ends normally when the WebSocket closes cleanly, and throws a
/// ``NoiseConnectionError`` when a frame fails to decrypt or the framing breaks (the connection
/// is then closed). It supports a single consumer.
public final class NoiseConnection: Sendable {
    /// What the handshake established about the peer.
    public let session: NoiseSessionInfo
    /// The decrypted frames the peer sends, in order.
    public let frames: AsyncThrowingStream<Data, any Error>
    private let writer: NoiseFrameWriter

    init(session: NoiseSessionInfo, frames: AsyncThrowingStream<Data, any Error>, writer: NoiseFrameWriter) {
        self.session = session
        self.frames = frames
        self.writer = writer
    }

    /// Encrypts `frame` with the next write counter and sends it. Concurrent calls are sent in
    /// the order they were made.
    public func send(_ frame: Data) async throws(NoiseConnectionError) {
        try await writer.send(frame)
    }

    /// Starts a clean close: sends a WebSocket close frame; ``frames`` ends once the peer
    /// answers. Calling it again does nothing.
    public func close() async {
        await writer.close()
    }
}
