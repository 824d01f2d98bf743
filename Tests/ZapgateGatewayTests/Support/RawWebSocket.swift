import Foundation
import NIOCore
import NIOPosix

/// A small WebSocket client for the stream tests. It reads the handshake's answer and the
/// frames after it from one buffer: swift-websocket's client can lose frames that arrive in
/// the same read as the 101 answer (a refusal's close frame, or the first logged events),
/// and then waits for ever.
enum RawWebSocket {
    enum Frame: Sendable, Equatable {
        case text(String)
        case close(code: UInt16, reason: String)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Opens `path` on 127.0.0.1:`port` and hands `handle` each text and close frame until it
    /// returns false or the server hangs up; then closes. Throws when the handshake is not
    /// answered 101, or after `timeout`.
    static func connect(
        port: Int, path: String, timeout: Duration = .seconds(60),
        handle: @escaping @Sendable (Frame) async throws -> Bool
    ) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            let request = [
                "GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: Upgrade",
                "Upgrade: websocket",
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "", "",
            ].joined(separator: "\r\n")
            try await outbound.write(ByteBuffer(string: request))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var buffer = ByteBuffer()
                    var upgraded = false
                    for try await chunk in inbound {
                        buffer.writeImmutableBuffer(chunk)
                        if !upgraded {
                            guard let head = Self.head(&buffer) else { continue }
                            guard head.hasPrefix("HTTP/1.1 101") else {
                                throw Failure(description: "the handshake was answered \(head.prefix(40))")
                            }
                            upgraded = true
                        }
                        while let frame = try Self.frame(&buffer) {
                            guard let frame else { continue }
                            if try await !handle(frame) { return }
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw Failure(description: "no end within \(timeout)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// Takes the answer's head off the buffer once it is whole.
    private static func head(_ buffer: inout ByteBuffer) -> String? {
        let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) ?? ""
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let head = String(text[..<end.lowerBound])
        buffer.moveReaderIndex(forwardBy: text[..<end.upperBound].utf8.count)
        return head
    }

    /// Takes one whole frame off the buffer: nil when it holds none yet, `.some(nil)` for a
    /// frame the tests ignore (ping, pong, binary).
    private static func frame(_ buffer: inout ByteBuffer) throws -> Frame?? {
        var peek = buffer
        guard let first = peek.readInteger(as: UInt8.self), let second = peek.readInteger(as: UInt8.self)
        else {
            return nil
        }
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let wide = peek.readInteger(as: UInt16.self) else { return nil }
            length = Int(wide)
        } else if length == 127 {
            guard let wide = peek.readInteger(as: UInt64.self) else { return nil }
            length = Int(wide)
        }
        guard second & 0x80 == 0 else { throw Failure(description: "the server masked a frame") }
        guard var payload = peek.readSlice(length: length) else { return nil }
        buffer = peek
        switch first & 0x0F {
        case 0x1:
            return .some(.text(payload.readString(length: payload.readableBytes) ?? ""))
        case 0x8:
            let code = payload.readInteger(as: UInt16.self) ?? 1005
            return .some(.close(code: code, reason: payload.readString(length: payload.readableBytes) ?? ""))
        default:
            return .some(nil)
        }
    }
}
