#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a master key could not be had. No case ever carries key bytes.
public enum MasterKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The given text or the key file's content is not a key of the right form.
    case malformed(String)
    /// The key file may be read or written by others than its owner (group or other bits, or
    /// execute bits, are set); `mode` is its permission bits.
    case insecurePermissions(path: String, mode: UInt32)
    /// The key file is not the size of a key file (64 hexadecimal digits and an optional newline).
    case wrongSize(path: String, size: Int)
    /// The key file's path names a directory, device or other non-regular file.
    case notARegularFile(path: String)
    /// A system call on the key file failed; `code` is its errno.
    case io(path: String, operation: String, code: Int32)

    public var description: String {
        switch self {
        case .malformed(let why):
            "master key malformed: \(why)"
        case .insecurePermissions(let path, let mode):
            "master key file \(path) has mode \(String(mode, radix: 8)); it must be 0600 or narrower"
                + " (chmod 600 \(path))"
        case .wrongSize(let path, let size):
            "master key file \(path) is \(size) bytes; it must hold 64 hexadecimal digits"
        case .notARegularFile(let path):
            "master key file \(path) is not a regular file"
        case .io(let path, let operation, let code):
            "master key file \(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}
