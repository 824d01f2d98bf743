import Foundation
import HummingbirdWebSocket
import NIOCore

/// The sending half of a connection: seals each frame with the next counter, frames it and
/// writes it as one binary WebSocket message.
///
/// Sends are serialised in arrival order: the counter a frame is sealed with must match its
/// position on the wire, and awaiting the WebSocket writer would otherwise let a later send
/// overtake an earlier one.
actor NoiseFrameWriter {
    private let outbound: WebSocketOutboundWriter
    private var encoder: NoiseFrameEncoder
    private var cipher: NoiseCipher?
    private var isClosed = false
    private var isWriting = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A writer for the handshake phase (no cipher yet) or the transport phase.
    init(outbound: WebSocketOutboundWriter, encoder: NoiseFrameEncoder, cipher: NoiseCipher? = nil) {
        self.outbound = outbound
        self.encoder = encoder
        self.cipher = cipher
    }

    /// Switches to the transport phase: every later frame is sealed with `cipher`.
    func startTransport(_ cipher: NoiseCipher) {
        self.cipher = cipher
    }

    /// Seals (in the transport phase) and sends one frame.
    func send(_ payload: Data) async throws(NoiseConnectionError) {
        await acquire()
        defer { release() }
        guard !isClosed else { throw .closed }
        var bytes = payload
        var sealingCipher = cipher
        if var sealer = sealingCipher {
            do {
                bytes = try sealer.seal(payload)
            } catch {
                throw .transport(error)
            }
            sealingCipher = sealer
        }
        let wire: Data
        do {
            wire = try encoder.encode(bytes)
        } catch {
            // The frame is too large to send: its counter must not count as used, or every
            // later frame would reach the peer with a counter it does not expect.
            throw .framing(error)
        }
        cipher = sealingCipher
        do {
            try await outbound.write(.binary(ByteBuffer(bytes: wire)))
        } catch {
            isClosed = true
            throw .webSocket("\(error)")
        }
    }

    /// Starts the WebSocket closing handshake (once); later sends throw ``NoiseConnectionError/closed``.
    func close(reason: String? = nil, protocolError: Bool = false) async {
        guard !isClosed else { return }
        isClosed = true
        try? await outbound.close(protocolError ? .protocolError : .normalClosure, reason: reason)
    }

    /// Records that the peer went away, without sending anything.
    func markClosed() {
        isClosed = true
    }

    private func acquire() async {
        if isWriting {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            isWriting = true
        }
    }

    private func release() {
        if waiting.isEmpty {
            isWriting = false
        } else {
            // Ownership passes straight to the next sender; isWriting stays true.
            waiting.removeFirst().resume()
        }
    }
}
