import Foundation

/// The commands' own output. Lines go straight to the file descriptor, unbuffered, so a
/// program reading through a pipe sees each one as soon as it is written.
enum Terminal {
    /// Writes `text` and a newline to stdout.
    static func say(_ text: String) {
        // A closed stdout (the reader went away) is no reason to stop serving.
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to stderr, for failures that end a command.
    static func complain(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Stdin, a line at a time, finishing at end of file.
    ///
    /// Foundation on Linux has no asynchronous byte stream for file handles, so a thread of its
    /// own blocks in `readLine` rather than a task holding a cooperative thread. The thread
    /// lives as long as stdin is open; the process exiting ends it.
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            while let line = readLine(strippingNewline: true) {
                sink.yield(line)
            }
            sink.finish()
        }
        reader.name = "zapgate.stdin"
        reader.start()
        return lines
    }
}
