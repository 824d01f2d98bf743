import Foundation
import ZapgateCrypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension MasterKey {
    /// Where the key file is kept when nothing else is configured.
    public static let defaultKeyFile = "./data/master.key"

    /// The key to use: `explicit` when given (the value of `ZAPGATE_MASTER_KEY`; empty counts as
    /// not given), else the one in `keyFile`, else a new one written to `keyFile` with mode 0600.
    ///
    /// `generated` is true when a new key was written: the caller should warn loudly, since
    /// losing that file makes every stored device secret unreadable.
    ///
    /// A key file that others may read (mode wider than 0600) or of the wrong size is refused,
    /// not repaired.
    public static func load(explicit: String?, keyFile: String = defaultKeyFile) throws(MasterKeyError) -> (
        key: MasterKey, generated: Bool
    ) {
        if let explicit, !explicit.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return (try MasterKey(parsing: explicit), false)
        }
        if let existing = try readKeyFile(keyFile) {
            return (existing, false)
        }
        let key = MasterKey.generate()
        if try writeKeyFile(key, to: keyFile) {
            return (key, true)
        }
        // Another process created the file between our read and our write: use its key.
        guard let existing = try readKeyFile(keyFile) else {
            throw .io(path: keyFile, operation: "open", code: ENOENT)
        }
        return (existing, false)
    }

    /// The key held in `path`, or nil when there is no such file.
    static func readKeyFile(_ path: String) throws(MasterKeyError) -> MasterKey? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw .io(path: path, operation: "open", code: code)
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .io(path: path, operation: "stat", code: errno) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
        let permissions = UInt32(status.st_mode) & 0o7777
        guard permissions & ~UInt32(0o600) == 0 else {
            throw .insecurePermissions(path: path, mode: permissions)
        }
        let size = Int(status.st_size)
        guard size == 64 || size == 65 else { throw .wrongSize(path: path, size: size) }

        var buffer = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress.map { $0 + filled }, size - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .io(path: path, operation: "read", code: count < 0 ? errno : EIO) }
            filled += count
        }
        if size == 65 {
            guard buffer[64] == UInt8(ascii: "\n") else { throw .wrongSize(path: path, size: size) }
            buffer.removeLast()
        }
        guard let text = String(validating: buffer, as: UTF8.self),
            let key = try? MasterKey(parsing: text), text.count == 64
        else {
            throw .malformed("the key file \(path) does not hold 64 hexadecimal digits")
        }
        return key
    }

    /// Writes `key` to `path` with mode 0600, all at once: a temporary file in the same
    /// directory is written and synced, then linked into place, so no reader ever sees a partial
    /// key and an existing file is never replaced. Returns false if `path` already exists.
    static func writeKeyFile(_ key: MasterKey, to path: String) throws(MasterKeyError) -> Bool {
        let directory = (path as NSString).deletingLastPathComponent
        let directoryPath = directory.isEmpty ? "." : directory
        try makeDirectories(directoryPath)

        let suffix = SecureRandom.bytes(8).map { String(format: "%02x", $0) }.joined()
        let temporary = directoryPath + "/.master.key." + suffix + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io(path: temporary, operation: "create", code: errno) }
        defer { unlink(temporary) }

        let contents = Array((key.hexEncoded + "\n").utf8)
        do throws(MasterKeyError) {
            // The umask can only narrow the mode, but say it outright.
            guard fchmod(descriptor, 0o600) == 0 else {
                throw .io(path: temporary, operation: "chmod", code: errno)
            }
            var written = 0
            while written < contents.count {
                let count = contents.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress.map { $0 + written }, contents.count - written)
                }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    throw .io(path: temporary, operation: "write", code: count < 0 ? errno : EIO)
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { throw .io(path: temporary, operation: "fsync", code: errno) }
        } catch {
            close(descriptor)
            throw error
        }
        close(descriptor)

        // link(2) fails rather than replacing an existing file, unlike rename(2).
        guard link(temporary, path) == 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw .io(path: path, operation: "link", code: code)
        }
        let directoryDescriptor = open(directoryPath, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
        return true
    }

    /// `mkdir -p` with mode 0700 for what it creates, keeping errno for the error.
    private static func makeDirectories(_ path: String) throws(MasterKeyError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .io(path: path, operation: "mkdir", code: ENOTDIR) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path {
            try makeDirectories(parent)
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw .io(path: path, operation: "mkdir", code: errno)
        }
    }
}
