import Foundation
import ZapgateCrypto
import ZapgateEngine
import ZapgateSignal
import ZapgateWire

/// Turns ``DeviceCredentials`` into bytes and back: JSON of a private mirror, bytes as base64
/// and JIDs in their text form. The result is sealed before it is stored, so being readable
/// costs nothing; a `format` field lets the layout change later.
enum CredentialsCodec {
    static let format = 1

    static func encode(_ credentials: DeviceCredentials) throws(StoreError) -> Data {
        do {
            return try JSONEncoder().encode(Stored(credentials))
        } catch {
            throw .query("could not encode credentials")
        }
    }

    static func decode(_ data: Data) throws(StoreError) -> DeviceCredentials {
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: data)
        } catch {
            throw .corrupt("credentials do not decode")
        }
        return try stored.credentials()
    }

    private struct Stored: Codable {
        var format: Int
        var noiseKey: KeyPair
        var identityKey: KeyPair
        var registrationID: UInt32
        var signedPreKey: SignedPreKey
        var advSecret: Data
        var nextPreKeyID: UInt32
        var account: Account?

        init(_ credentials: DeviceCredentials) {
            format = CredentialsCodec.format
            noiseKey = KeyPair(credentials.noiseKey)
            identityKey = KeyPair(credentials.identityKey)
            registrationID = credentials.registrationID
            signedPreKey = SignedPreKey(credentials.signedPreKey)
            advSecret = credentials.advSecret
            nextPreKeyID = credentials.nextPreKeyID
            account = credentials.account.map(Account.init)
        }

        func credentials() throws(StoreError) -> DeviceCredentials {
            guard format == CredentialsCodec.format else {
                throw .corrupt("credentials have unknown format \(format)")
            }
            return DeviceCredentials(
                noiseKey: try noiseKey.keyPair("noise key"),
                identityKey: try identityKey.keyPair("identity key"),
                registrationID: registrationID,
                signedPreKey: try signedPreKey.record(),
                advSecret: advSecret,
                nextPreKeyID: nextPreKeyID,
                account: try account?.account()
            )
        }
    }

    private struct KeyPair: Codable {
        var privateKey: Data
        var publicKey: Data

        init(_ pair: Curve25519KeyPair) {
            privateKey = pair.privateKey
            publicKey = pair.publicKey
        }

        /// Rebuilt from the private key; the stored public key must agree with it.
        func keyPair(_ name: String) throws(StoreError) -> Curve25519KeyPair {
            guard let pair = try? Curve25519KeyPair(privateKey: privateKey), pair.publicKey == publicKey
            else {
                throw .corrupt("credentials: the \(name) is invalid")
            }
            return pair
        }
    }

    private struct SignedPreKey: Codable {
        var id: UInt32
        var keyPair: KeyPair
        var signature: Data

        init(_ record: SignedPreKeyRecord) {
            id = record.id
            keyPair = KeyPair(record.keyPair)
            signature = record.signature
        }

        func record() throws(StoreError) -> SignedPreKeyRecord {
            SignedPreKeyRecord(id: id, keyPair: try keyPair.keyPair("signed prekey"), signature: signature)
        }
    }

    private struct Account: Codable {
        var jid: String
        var lid: String?
        var platform: String
        var businessName: String?
        var signedIdentity: Data
        var accountIdentityKey: Data
        var keyIndex: UInt32

        init(_ account: LinkedAccount) {
            jid = account.jid.description
            lid = account.lid?.description
            platform = account.platform
            businessName = account.businessName
            signedIdentity = account.signedIdentity
            accountIdentityKey = account.accountIdentityKey
            keyIndex = account.keyIndex
        }

        func account() throws(StoreError) -> LinkedAccount {
            LinkedAccount(
                jid: try Self.jid(jid),
                lid: try lid.map { text throws(StoreError) in try Self.jid(text) },
                platform: platform,
                businessName: businessName,
                signedIdentity: signedIdentity,
                accountIdentityKey: accountIdentityKey,
                keyIndex: keyIndex
            )
        }

        private static func jid(_ text: String) throws(StoreError) -> JID {
            do {
                return try JID(parsing: text)
            } catch {
                throw .corrupt("credentials: \(error)")
            }
        }
    }
}
