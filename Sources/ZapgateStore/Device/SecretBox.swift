import Foundation
import ZapgateCrypto

/// Encrypts device secrets for storage: AES-256-GCM under a key derived from the master key,
/// a random nonce per value, and the value's place in the database (instance, table, row key)
/// as associated data, so a ciphertext copied to another row or instance does not open.
///
/// A sealed value is `version ‖ nonce (12) ‖ ciphertext ‖ tag (16)`; the version byte lets the
/// format change later without guessing.
public struct SecretBox: Sendable, CustomStringConvertible, CustomReflectable {
    /// Where a sealed value lives; bound into its tag.
    public struct Location: Sendable, Equatable {
        public var instanceID: UUID
        public var table: String
        /// The row's key columns, in order.
        public var key: [String]

        public init(instanceID: UUID, table: String, key: [String]) {
            self.instanceID = instanceID
            self.table = table
            self.key = key
        }
    }

    /// The format written today.
    static let version: UInt8 = 1
    static let nonceCount = 12
    static let tagCount = 16
    /// Separates this key's use from any other the master key may be put to.
    private static let keyInfo = Data("zapgate device secrets v1".utf8)

    private let key: Data

    /// A box whose key is derived (HKDF-SHA256) from `masterKey`.
    public init(masterKey: MasterKey) {
        key = HKDFSHA256.deriveKey(
            inputKeyMaterial: masterKey.bytes, salt: Data(), info: Self.keyInfo, outputByteCount: 32)
    }

    public var description: String { "SecretBox(redacted)" }
    /// No children, so `dump` and debuggers show no key either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// Encrypts `plaintext` for `location`.
    public func seal(_ plaintext: Data, for location: Location) throws(StoreError) -> Data {
        let nonce = SecureRandom.bytes(Self.nonceCount)
        let sealed: Data
        do {
            sealed = try AESGCM.seal(
                plaintext, key: key, nonce: nonce, authenticating: Self.associatedData(Self.version, location)
            )
        } catch {
            throw .query("could not encrypt a value for \(location.table)")
        }
        var result = Data(capacity: 1 + nonce.count + sealed.count)
        result.append(Self.version)
        result.append(nonce)
        result.append(sealed)
        return result
    }

    /// Decrypts a value sealed for `location`. A wrong master key, a value moved from another
    /// row or instance, or altered bytes all fail with ``StoreError/corrupt(_:)``.
    public func open(_ sealed: Data, at location: Location) throws(StoreError) -> Data {
        let bytes = Data(sealed)
        guard let version = bytes.first else { throw .corrupt("empty sealed value in \(location.table)") }
        guard version == Self.version else {
            throw .corrupt("sealed value in \(location.table) has unknown format version \(version)")
        }
        guard bytes.count >= 1 + Self.nonceCount + Self.tagCount else {
            throw .corrupt("sealed value in \(location.table) is too short")
        }
        let nonce = bytes.subdata(in: 1..<(1 + Self.nonceCount))
        let body = bytes.subdata(in: (1 + Self.nonceCount)..<bytes.count)
        do {
            return try AESGCM.open(
                body, key: key, nonce: nonce, authenticating: Self.associatedData(version, location))
        } catch {
            throw .corrupt(
                "a value in \(location.table) does not decrypt (wrong master key, or moved from another row)")
        }
    }

    /// `label ‖ version ‖ len-prefixed instance, table and key parts`: lengths keep
    /// ("ab", "c") and ("a", "bc") apart.
    static func associatedData(_ version: UInt8, _ location: Location) -> Data {
        var data = Data("zapgate.device".utf8)
        data.append(version)
        func append(_ text: String) {
            let bytes = Data(text.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { data.append(contentsOf: $0) }
            data.append(bytes)
        }
        append(location.instanceID.uuidString.lowercased())
        append(location.table)
        withUnsafeBytes(of: UInt32(location.key.count).bigEndian) { data.append(contentsOf: $0) }
        location.key.forEach(append)
        return data
    }
}
