import Foundation

/// Cuts a byte stream into frames. WebSocket messages need not line up with frames: one message
/// may carry several frames or a piece of one, so bytes are buffered until a frame is whole.
///
/// A responder's decoder first expects the intro header, with or without an edge-routing
/// prefix, and rejects anything else as soon as the first bytes show it.
public struct NoiseFrameDecoder: Sendable {
    private enum Stage: Sendable {
        case intro
        case frames
        case failed(NoiseFramingError)
    }

    private var stage: Stage
    private var buffer: [UInt8] = []
    private var start = 0
    private let maximumFrameLength: Int

    /// The intro header once it has been read (responder side only).
    public private(set) var introHeader: NoiseIntroHeader?

    /// A decoder for the server (`expectingIntroHeader`) or the client. Frames longer than
    /// `maximumFrameLength` are refused before their bytes arrive.
    public init(
        expectingIntroHeader: Bool,
        maximumFrameLength: Int = NoiseConstants.maximumFrameLength
    ) {
        stage = expectingIntroHeader ? .intro : .frames
        self.maximumFrameLength = min(maximumFrameLength, NoiseConstants.maximumFrameLength)
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes as they arrive.
    public mutating func append(_ bytes: Data) {
        if start > 0 && start * 2 >= buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame's payload, or nil until more bytes arrive.
    public mutating func nextFrame() throws(NoiseFramingError) -> Data? {
        switch stage {
        case .failed(let error):
            throw error
        case .intro:
            do {
                guard try readIntro() else { return nil }
            } catch {
                stage = .failed(error)
                throw error
            }
            stage = .frames
            return try nextFrame()
        case .frames:
            guard bufferedByteCount >= NoiseConstants.frameLengthSize else { return nil }
            let length = NoiseFrameLength.decode(buffer[start...])
            guard length <= maximumFrameLength else {
                let error = NoiseFramingError.frameTooLarge(length: length, maximum: maximumFrameLength)
                stage = .failed(error)
                throw error
            }
            guard bufferedByteCount >= NoiseConstants.frameLengthSize + length else { return nil }
            let payloadStart = start + NoiseConstants.frameLengthSize
            start = payloadStart + length
            return Data(buffer[payloadStart..<start])
        }
    }

    /// Every whole frame now buffered.
    public mutating func drainFrames() throws(NoiseFramingError) -> [Data] {
        var frames: [Data] = []
        while let frame = try nextFrame() { frames.append(frame) }
        return frames
    }

    /// Consumes the intro header when it is complete; throws as soon as the bytes cannot be one.
    private mutating func readIntro() throws(NoiseFramingError) -> Bool {
        let available = buffer[start...]
        let header = [UInt8](NoiseConstants.introHeader)
        let routing = [UInt8](NoiseConstants.edgeRoutingMagic)
        let seen = Array(available.prefix(4))
        if seen.elementsEqual(header.prefix(seen.count)) {
            guard seen.count == 4 else { return false }
            start += 4
            introHeader = NoiseIntroHeader()
            return true
        }
        guard seen.elementsEqual(routing.prefix(seen.count)) else {
            throw .invalidIntroHeader(Data(seen))
        }
        guard available.count >= 7 else { return false }
        let length = NoiseFrameLength.decode(available.dropFirst(4))
        guard length <= maximumFrameLength else { throw .routingInfoTooLarge(length: length) }
        guard available.count >= 7 + length + 4 else {
            // The header after the routing info may already show garbage.
            let after = Array(available.dropFirst(7 + length))
            guard after.elementsEqual(header.prefix(after.count)) else {
                throw .invalidIntroHeader(Data(after))
            }
            return false
        }
        let routingStart = start + 7
        let headerStart = routingStart + length
        let trailing = Array(buffer[headerStart..<headerStart + 4])
        guard trailing == header else { throw .invalidIntroHeader(Data(trailing)) }
        introHeader = NoiseIntroHeader(routingInfo: Data(buffer[routingStart..<headerStart]))
        start = headerStart + 4
        return true
    }
}
