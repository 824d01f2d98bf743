import Foundation
import Testing

/// Decodes QR images with zbar's `zbarimg`, an implementation independent of libqrencode.
enum ZbarDecoder {
    /// What zbarimg said about one image.
    enum Outcome: Equatable {
        /// The text of the one symbol found, without zbarimg's trailing newline.
        case decoded(String)
        /// zbarimg ran but found no symbol (exit status 4).
        case notFound
        /// zbarimg failed some other way.
        case failed(status: Int32, stderr: String)
    }

    /// The zbarimg executable on PATH, or nil when zbar-tools is not installed.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("zbarimg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }()

    /// Writes `png` to a temporary file and decodes it. Fails the test (rather than skipping)
    /// when zbarimg is missing, so a machine without it cannot pass silently.
    static func decode(png: Data) throws -> Outcome {
        let zbarimg = try #require(
            executable, "zbarimg (Debian zbar-tools) is not on PATH: run scripts/setup.sh --test")
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("zapgate-qr-\(UUID().uuidString).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = zbarimg
        // --raw keeps the bytes as encoded (no charset guessing); -q prints only the data.
        process.arguments = ["--raw", "-q", "--nodbus", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        switch process.terminationStatus {
        case 0:
            var text = String(decoding: stdout, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            return .decoded(text)
        case 4:
            return .notFound
        case let status:
            return .failed(status: status, stderr: String(decoding: stderr, as: UTF8.self))
        }
    }
}
