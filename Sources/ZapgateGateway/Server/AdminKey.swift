import Foundation
import ZapgateStore

/// The admin key: configured (its hash replaces the stored one), stored from an earlier
/// start, or made now and shown once. Only its hash is kept.
enum AdminKey {
    static let setting = "admin_key_sha256"

    /// The hash to check requests against, and the key itself when it was just made.
    static func prepare(configured: String?, store: GatewayStore) async throws(GatewayStoreError)
        -> (hash: Data, generated: String?)
    {
        if let configured, !configured.isEmpty {
            let hash = KeyMaterial.hash(configured)
            try await store.setSetting(setting, value: hash.base64EncodedString())
            return (hash, nil)
        }
        if let stored = try await store.setting(setting), let hash = Data(base64Encoded: stored) {
            return (hash, nil)
        }
        let key = KeyMaterial.generate(prefix: "zga_")
        let hash = KeyMaterial.hash(key)
        if try await store.insertSettingIfAbsent(setting, value: hash.base64EncodedString()) {
            return (hash, key)
        }
        // Another server made one at the same moment: use that.
        guard let stored = try await store.setting(setting), let hash = Data(base64Encoded: stored) else {
            throw .store(.corrupt("the admin key hash"))
        }
        return (hash, nil)
    }
}
