import Foundation

/// Where the repository's own files are, found from this source file's location so tests work
/// from any working directory.
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ZapgateTestSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()

    /// The oracle helper scripts.
    public static let oracles = root.appendingPathComponent("Oracles")
}
