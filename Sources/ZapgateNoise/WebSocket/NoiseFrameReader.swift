import Foundation
import HummingbirdWebSocket
import NIOCore

/// The receiving half of a connection before decryption: turns binary WebSocket messages into
/// frames, however the messages split or merge them. Text messages are ignored, as whatsmeow
/// ignores them.
struct NoiseFrameReader {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    private(set) var decoder: NoiseFrameDecoder

    init(inbound: WebSocketInboundStream, decoder: NoiseFrameDecoder) {
        // A message may hold a whole frame plus, before the first one, the intro header and a
        // routing prefix of the same size limit.
        let maximumMessageSize = NoiseConstants.maximumWebSocketMessageSize
        self.messages = inbound.messages(maxSize: maximumMessageSize).makeAsyncIterator()
        self.decoder = decoder
    }

    /// The next frame's payload, or nil once the WebSocket has closed.
    mutating func next() async throws(NoiseConnectionError) -> Data? {
        while true {
            do {
                if let frame = try decoder.nextFrame() { return frame }
            } catch {
                throw .framing(error)
            }
            let message: WebSocketMessage?
            do {
                message = try await messages.next()
            } catch {
                throw .webSocket("\(error)")
            }
            switch message {
            case .none:
                return nil
            case .binary(let buffer):
                decoder.append(Data(buffer.readableBytesView))
            case .text:
                continue
            }
        }
    }
}
