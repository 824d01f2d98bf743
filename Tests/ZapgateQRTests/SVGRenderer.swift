import Foundation
import Testing

/// Renders SVG to PNG with librsvg's `rsvg-convert`, a renderer independent of our code. It
/// refuses a document whose root is not `<svg>` in the SVG namespace ("XML does not have <svg>
/// root"); it tolerates a missing `xmlns`, which the document test checks for separately.
enum SVGRenderer {
    static func png(from svg: String) throws -> Data {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let executable = path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("rsvg-convert") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let rsvg = try #require(
            executable, "rsvg-convert (Debian librsvg2-bin) is not on PATH: run scripts/setup.sh --test")
        let process = Process()
        process.executableURL = rsvg
        // A white page behind the symbol, as a screen would show it.
        process.arguments = ["--background-color=white", "--format=png"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(svg.utf8))
        try input.fileHandleForWriting.close()
        let png = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "rsvg-convert failed on our SVG")
        return png
    }
}
