import Foundation
import Testing

@testable import ZapgateStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct MasterKeyTests {
    /// A fresh directory under the system's temporary directory; the key file goes inside.
    private static func scratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("zapgate-masterkey-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static func mode(of path: String) throws -> UInt32 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? NSNumber).uint32Value & 0o7777
    }

    @Test func parsesHexAndBase64() throws {
        let bytes = Data((0..<32).map { UInt8($0 * 7 + 3) })
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        #expect(try MasterKey(parsing: hex).bytes == bytes)
        #expect(try MasterKey(parsing: hex.uppercased()).bytes == bytes)
        #expect(try MasterKey(parsing: " \(hex)\n").bytes == bytes)
        #expect(try MasterKey(parsing: bytes.base64EncodedString()).bytes == bytes)
        #expect(try MasterKey(parsing: hex).hexEncoded == hex)
    }

    @Test(arguments: [
        "",
        "abc",
        String(repeating: "a", count: 63),
        String(repeating: "a", count: 66),
        String(repeating: "g", count: 64),
        Data(count: 31).base64EncodedString(),
        Data(count: 33).base64EncodedString(),
        "not base64 at all!",
    ])
    func refusesMalformedValues(_ text: String) {
        #expect {
            try MasterKey(parsing: text)
        } throws: { error in
            guard case MasterKeyError.malformed = error else { return false }
            return true
        }
    }

    @Test func neverShowsItsBytes() throws {
        let key = MasterKey.generate()
        let hex = key.hexEncoded
        #expect(!String(describing: key).contains(hex.prefix(8)))
        #expect(!String(reflecting: key).contains(hex.prefix(8)))
        #expect(!"\(key)".contains(hex.prefix(8)))
        var dumped = ""
        dump(key, to: &dumped)
        dump(SecretBox(masterKey: key), to: &dumped)
        #expect(!dumped.contains(hex.prefix(8)) && !dumped.contains("bytes"))
        // An almost-key is refused without echoing it.
        let almost = String(hex.dropLast())
        do {
            _ = try MasterKey(parsing: almost)
            Issue.record("a 63-digit key was accepted")
        } catch {
            #expect(!error.description.contains(almost.prefix(8)))
        }
    }

    @Test func explicitValueWinsOverTheFile() throws {
        let directory = try Self.scratchDirectory()
        let explicit = MasterKey.generate()
        let loaded = try MasterKey.load(explicit: explicit.hexEncoded, keyFile: directory + "/master.key")
        #expect(loaded.key == explicit)
        #expect(!loaded.generated)
        #expect(!FileManager.default.fileExists(atPath: directory + "/master.key"))
    }

    @Test func malformedExplicitValueIsRefusedNotReplaced() throws {
        let directory = try Self.scratchDirectory()
        #expect(throws: MasterKeyError.self) {
            try MasterKey.load(explicit: "0123", keyFile: directory + "/master.key")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/master.key"))
    }

    @Test func generatesAFileWithMode0600AndReusesIt() throws {
        let directory = try Self.scratchDirectory()
        // The data directory itself does not exist yet.
        let path = directory + "/data/master.key"
        let first = try MasterKey.load(explicit: nil, keyFile: path)
        #expect(first.generated)
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try Self.mode(of: directory + "/data") == 0o700)
        let contents = try String(contentsOfFile: path, encoding: .utf8)
        #expect(contents == first.key.hexEncoded + "\n")
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/data") == ["master.key"])

        let second = try MasterKey.load(explicit: nil, keyFile: path)
        #expect(!second.generated)
        #expect(second.key == first.key)
        // An empty environment value counts as not set.
        let third = try MasterKey.load(explicit: "  ", keyFile: path)
        #expect(third.key == first.key && !third.generated)
    }

    @Test func concurrentFirstStartsAgreeOnOneKey() async throws {
        let path = try Self.scratchDirectory() + "/master.key"
        let results = try await withThrowingTaskGroup(of: (MasterKey, Bool).self) { group in
            for _ in 0..<8 {
                group.addTask { try MasterKey.load(explicit: nil, keyFile: path) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.0.hexEncoded)).count == 1)
        #expect(results.filter(\.1).count == 1)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o700, 0o666])
    func refusesAFileOthersMayRead(_ mode: Int) throws {
        let path = try Self.scratchDirectory() + "/master.key"
        let key = MasterKey.generate()
        try (key.hexEncoded + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect(throws: MasterKeyError.insecurePermissions(path: path, mode: UInt32(mode))) {
            try MasterKey.load(explicit: nil, keyFile: path)
        }
        // Refused, not replaced.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == key.hexEncoded + "\n")
    }

    @Test func acceptsAReadOnlyFile() throws {
        let path = try Self.scratchDirectory() + "/master.key"
        let key = MasterKey.generate()
        try key.hexEncoded.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o400) == 0)
        let loaded = try MasterKey.load(explicit: nil, keyFile: path)
        #expect(loaded.key == key && !loaded.generated)
    }

    @Test func refusesAFileOfTheWrongSizeOrContent() throws {
        let directory = try Self.scratchDirectory()
        let short = directory + "/short.key"
        try Data(count: 32).write(to: URL(fileURLWithPath: short))
        #expect(chmod(short, 0o600) == 0)
        #expect(throws: MasterKeyError.wrongSize(path: short, size: 32)) {
            try MasterKey.load(explicit: nil, keyFile: short)
        }

        let garbage = directory + "/garbage.key"
        try String(repeating: "z", count: 64).write(toFile: garbage, atomically: false, encoding: .utf8)
        #expect(chmod(garbage, 0o600) == 0)
        #expect {
            try MasterKey.load(explicit: nil, keyFile: garbage)
        } throws: { error in
            guard case MasterKeyError.malformed = error else { return false }
            return true
        }

        #expect(throws: MasterKeyError.notARegularFile(path: directory)) {
            try MasterKey.load(explicit: nil, keyFile: directory)
        }
    }
}
