import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT and SIGTERM as something a task can wait for, so the commands stop gracefully
/// (servers closed, sockets shut) rather than being killed mid-write.
///
/// A handler writes the signal's number to a pipe that a dispatch read source watches. A
/// dispatch *signal* source is not enough on Linux: it needs the signal ignored, and a thread
/// that does not block it (NIO's event loops, for one) can then take the signal and drop it
/// before dispatch sees it. A handler runs on whichever thread takes it.
enum TerminationSignal {
    private static let watched = [SIGINT, SIGTERM]
    private static let queue = DispatchQueue(label: "zapgate.signals")

    /// The pipe the handler writes to; both ends non-blocking so the handler never waits.
    private static let pipeEnds: (read: Int32, write: Int32)? = {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        return (ends[0], ends[1])
    }()

    /// Only async-signal-safe work here: one `write` of one byte.
    private static let handler: @convention(c) (Int32) -> Void = { number in
        guard let ends = TerminationSignal.pipeEnds else { return }
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(ends.write, &byte, 1)
    }

    /// Waits for SIGINT or SIGTERM and returns its number; nil if the calling task is
    /// cancelled first. While it waits the two signals are caught instead of killing the
    /// process; afterwards they kill it again, so a second Ctrl-C during a slow stop still works.
    static func next() async -> Int32? {
        // Made before the handler is installed, so the handler only ever reads it.
        guard let ends = pipeEnds else { return nil }
        let (received, sink) = AsyncStream.makeStream(of: Int32.self)
        let source = DispatchSource.makeReadSource(fileDescriptor: ends.read, queue: queue)
        source.setEventHandler {
            var byte: UInt8 = 0
            while read(ends.read, &byte, 1) == 1 { sink.yield(Int32(byte)) }
        }
        source.resume()
        for number in watched { signal(number, handler) }
        defer {
            for number in watched { signal(number, SIG_DFL) }
            source.cancel()
        }
        var iterator = received.makeAsyncIterator()
        return await iterator.next()
    }
}
