import Foundation
import ZapgateCrypto
import ZapgateProtocol

/// The simulator's media server state: the upload tokens it handed out and the encrypted
/// blobs clients uploaded, in memory only. The server never sees plaintext, as WhatsApp's
/// does not; it checks only what it can (the token, the body's hash, the size).
actor SimulatorMediaStore {
    /// One token a `<media_conn>` answer carried.
    struct Grant: Sendable {
        let token: String
        /// Whole seconds left, as `ttl` announces them.
        let secondsLeft: Int
    }

    /// One uploaded body.
    struct Blob: Sendable {
        var bytes: Data
        let directPath: String
        let mmsType: String
        /// SHA-256 of the body as uploaded (tests may change the bytes afterwards).
        let hash: Data
        let sequence: Int
    }

    /// Why an upload was refused, with the HTTP status it maps to.
    enum Refusal: Error, Equatable {
        case tooLarge
        case hashMismatch
    }

    /// `host:port` while the server listens.
    private(set) var host: String?
    private var scheme = "http"
    private var tokens: [String: ContinuousClock.Instant] = [:]
    private var current: (token: String, expires: ContinuousClock.Instant)?
    /// Blobs by their id (the direct path's file name without `.enc`).
    private var blobs: [String: Blob] = [:]
    /// Ids by body hash, so a second upload of the same body gets the same path.
    private var idsByHash: [Data: String] = [:]
    private var storedBytes = 0
    private var sequence = 0
    private let clock = ContinuousClock()

    /// Called once the server listens: where clients reach it.
    func serving(host: String, scheme: String) {
        self.host = host
        self.scheme = scheme
    }

    /// The token to hand out now: the current one while it has at least half of `lifetime`
    /// left, otherwise a fresh one. Older tokens stay valid until their own expiry.
    func grant(lifetime: Duration) -> Grant {
        let now = clock.now
        tokens = tokens.filter { $0.value > now }
        if let current, current.expires - now >= lifetime / 2 {
            return Grant(token: current.token, secondsLeft: Self.wholeSeconds(current.expires - now))
        }
        let token = MediaEndpoint.token(for: SecureRandom.bytes(24), padded: false)
        let expires = now + lifetime
        tokens[token] = expires
        current = (token, expires)
        return Grant(token: token, secondsLeft: Self.wholeSeconds(lifetime))
    }

    /// Whether `token` was handed out and has not expired.
    func isAuthorized(_ token: String) -> Bool {
        guard let expires = tokens[token] else { return false }
        return expires > clock.now
    }

    /// Keeps `body` (whose SHA-256 must be `hash`) and returns its direct path and URL.
    /// Old blobs are dropped, oldest first, until it fits under `maximumStoredBytes`.
    func store(
        _ body: Data, hash: Data, mmsType: String, maximumStoredBytes: Int
    ) throws(Refusal) -> MediaUploadResponse {
        guard body.count <= maximumStoredBytes else { throw .tooLarge }
        guard SHA256Digest.hash(body) == hash else { throw .hashMismatch }
        if let id = idsByHash[hash], let existing = blobs[id] {
            return response(for: existing)
        }
        while storedBytes + body.count > maximumStoredBytes,
            let oldest = blobs.min(by: { $0.value.sequence < $1.value.sequence })
        {
            remove(id: oldest.key)
        }
        let id = SecureRandom.bytes(16).map { String(format: "%02x", $0) }.joined()
        let check = MediaEndpoint.token(for: SecureRandom.bytes(12), padded: false)
        sequence += 1
        let blob = Blob(
            bytes: body,
            directPath: "/v/t62.7118-24/\(id).enc?ccb=11-4&oh=\(check)&oe=\(String(sequence, radix: 16))",
            mmsType: mmsType, hash: hash, sequence: sequence)
        blobs[id] = blob
        idsByHash[hash] = id
        storedBytes += body.count
        return response(for: blob)
    }

    /// The body at `path` (a direct path's path part) if `query` carries its `oh` check.
    func blob(path: String, check: String?) -> Data? {
        guard let blob = blob(path: path), let check, blob.directPath.contains("&oh=\(check)&") else {
            return nil
        }
        return blob.bytes
    }

    /// The stored body at a direct path, ignoring its query.
    func blob(directPath: String) -> Data? {
        blob(path: String(directPath.prefix { $0 != "?" }))?.bytes
    }

    /// Changes a stored body in place (tests corrupt blobs this way); false when unknown.
    func modify(directPath: String, _ change: (inout Data) -> Void) -> Bool {
        guard let id = Self.id(path: String(directPath.prefix { $0 != "?" })), var blob = blobs[id] else {
            return false
        }
        storedBytes -= blob.bytes.count
        change(&blob.bytes)
        storedBytes += blob.bytes.count
        blobs[id] = blob
        return true
    }

    /// How many blobs and bytes are held.
    var usage: (blobs: Int, bytes: Int) { (blobs.count, storedBytes) }

    private func blob(path: String) -> Blob? {
        Self.id(path: path).flatMap { blobs[$0] }
    }

    private func remove(id: String) {
        guard let blob = blobs.removeValue(forKey: id) else { return }
        storedBytes -= blob.bytes.count
        idsByHash[blob.hash] = nil
    }

    private func response(for blob: Blob) -> MediaUploadResponse {
        let host = host ?? "127.0.0.1"
        return MediaUploadResponse(
            url: "\(scheme)://\(host)\(blob.directPath)&mms3=true", directPath: blob.directPath)
    }

    /// The blob id in `/v/t62.7118-24/<id>.enc`.
    private static func id(path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "v", let file = parts.last,
            file.hasSuffix(".enc")
        else { return nil }
        return String(file.dropLast(4))
    }

    private static func wholeSeconds(_ duration: Duration) -> Int {
        max(Int(duration.components.seconds), 0)
    }
}
