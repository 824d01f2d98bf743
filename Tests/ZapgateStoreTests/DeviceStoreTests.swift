import Foundation
import Testing
import ZapgateCrypto
import ZapgateEngine
import ZapgateSignal
import ZapgateStoreTestSupport
import ZapgateWire

@testable import ZapgateStore

/// Keys, records and accounts for the device-store tests.
enum DeviceFixtures {
    static func linkedCredentials() throws -> DeviceCredentials {
        var credentials = try DeviceCredentials.generate()
        credentials.nextPreKeyID = 813
        credentials.account = LinkedAccount(
            jid: try JID(parsing: "15550001001:3@s.whatsapp.net"),
            lid: try JID(parsing: "98765432100123:3@lid"),
            platform: "android",
            businessName: "Barbearia do Zé ✂️",
            signedIdentity: SecureRandom.bytes(180),
            accountIdentityKey: SecureRandom.bytes(32),
            keyIndex: 7)
        return credentials
    }

    /// A real initiator session with a made-up peer.
    static func session() throws -> SessionRecord {
        let peer = SignalKeys.generateIdentityKeyPair()
        let signed = try SignalKeys.generateSignedPreKey(identity: peer, id: 1)
        let oneTime = SignalKeys.generatePreKeys(start: 5, count: 1)[0]
        let bundle = PreKeyBundle(
            registrationID: 4242, deviceID: 3, preKeyID: oneTime.id, preKeyPublic: oneTime.keyPair.publicKey,
            signedPreKeyID: signed.id, signedPreKeyPublic: signed.keyPair.publicKey,
            signedPreKeySignature: signed.signature, identityKey: peer.publicKey)
        let state = try SessionState.initiating(
            with: bundle, identity: SignalKeys.generateIdentityKeyPair(), registrationID: 1234)
        return SessionRecord(current: state)
    }

    static func address(_ index: Int) -> SignalAddress {
        SignalAddress(name: "1555\(String(format: "%07d", index))", deviceID: UInt32(index % 5))
    }

    static func contains(_ haystack: Data, _ needle: Data) -> Bool {
        !needle.isEmpty && haystack.range(of: needle) != nil
    }
}

@Suite struct SecretBoxTests {
    let instance = UUID()

    @Test func sealsAndOpensWithAFreshNoncePerValue() throws {
        let box = SecretBox(masterKey: .generate())
        let place = SecretBox.Location(instanceID: instance, table: "device_sessions", key: ["1555:1"])
        let plain = Data("a secret".utf8)
        let first = try box.seal(plain, for: place)
        let second = try box.seal(plain, for: place)
        #expect(first != second)
        #expect(first.first == SecretBox.version)
        #expect(first.count == 1 + 12 + plain.count + 16)
        #expect(try box.open(first, at: place) == plain)
        #expect(try box.open(second, at: place) == plain)
    }

    @Test func refusesAnotherPlaceKeyOrFormat() throws {
        let master = MasterKey.generate()
        let box = SecretBox(masterKey: master)
        let place = SecretBox.Location(instanceID: instance, table: "device_sender_keys", key: ["g", "a:1"])
        let sealed = try box.seal(Data("sender key".utf8), for: place)
        let elsewhere = [
            SecretBox.Location(instanceID: UUID(), table: place.table, key: place.key),
            SecretBox.Location(instanceID: instance, table: "device_sessions", key: place.key),
            SecretBox.Location(instanceID: instance, table: place.table, key: ["g", "a:2"]),
            // Length prefixes keep the key parts from running together.
            SecretBox.Location(instanceID: instance, table: place.table, key: ["ga", ":1"]),
            SecretBox.Location(instanceID: instance, table: place.table, key: ["g"]),
        ]
        for location in elsewhere {
            #expect(throws: StoreError.self) { try box.open(sealed, at: location) }
        }
        #expect(throws: StoreError.self) { try SecretBox(masterKey: .generate()).open(sealed, at: place) }
        var flipped = sealed
        flipped[flipped.count - 1] ^= 1
        #expect(throws: StoreError.self) { try box.open(flipped, at: place) }
        var otherVersion = sealed
        otherVersion[0] = 2
        #expect(throws: StoreError.self) { try box.open(otherVersion, at: place) }
        #expect(throws: StoreError.self) { try box.open(Data([1, 2, 3]), at: place) }
        #expect(throws: StoreError.self) { try box.open(Data(), at: place) }
        // The same master key opens it again (the derived key is stable).
        #expect(try SecretBox(masterKey: master).open(sealed, at: place) == Data("sender key".utf8))
    }
}

@Suite struct CredentialsCodecTests {
    @Test func roundTripsLinkedAndUnlinked() throws {
        let unlinked = try DeviceCredentials.generate()
        #expect(try CredentialsCodec.decode(CredentialsCodec.encode(unlinked)) == unlinked)
        let linked = try DeviceFixtures.linkedCredentials()
        #expect(try CredentialsCodec.decode(CredentialsCodec.encode(linked)) == linked)
        var noLID = linked
        noLID.account?.lid = nil
        noLID.account?.businessName = nil
        #expect(try CredentialsCodec.decode(CredentialsCodec.encode(noLID)) == noLID)
    }

    @Test func refusesDamagedData() throws {
        #expect(throws: StoreError.self) { try CredentialsCodec.decode(Data("{}".utf8)) }
        #expect(throws: StoreError.self) { try CredentialsCodec.decode(Data([0xFF, 0x00])) }
        // A public key that does not belong to its private key is noticed.
        let credentials = try DeviceCredentials.generate()
        var object = try #require(
            try JSONSerialization.jsonObject(with: CredentialsCodec.encode(credentials)) as? [String: Any])
        var noise = try #require(object["noiseKey"] as? [String: Any])
        noise["publicKey"] = Data(count: 32).base64EncodedString()
        object["noiseKey"] = noise
        let damaged = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: StoreError.corrupt("credentials: the noise key is invalid")) {
            try CredentialsCodec.decode(damaged)
        }
    }
}

@Suite struct DeviceStoreTests {
    let master = MasterKey.generate()

    func store(_ database: any SQLDatabase, _ instance: UUID, master: MasterKey? = nil) -> SQLDeviceStore {
        SQLDeviceStore(
            instanceID: instance, database: database, secrets: SecretBox(masterKey: master ?? self.master))
    }

    /// Every row count of the device tables for `instance`.
    func rowCounts(_ database: any SQLDatabase, _ instance: UUID) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for table in DeviceTable.allCases {
            let row = try await database.first(
                "SELECT COUNT(*) AS count FROM \(raw: table.sql) WHERE instance_id = \(instance)")
            counts[table.rawValue] = try #require(row).int("count")
        }
        return counts
    }

    /// Every `sealed` blob of `table` for `instance`.
    func sealedBlobs(_ database: any SQLDatabase, _ table: DeviceTable, _ instance: UUID) async throws
        -> [Data]
    {
        try await database.query("SELECT sealed FROM \(raw: table.sql) WHERE instance_id = \(instance)")
            .map { try $0.data("sealed") }
    }

    /// Fills every device table for one instance.
    func fill(_ store: SQLDeviceStore) async throws {
        try await store.saveCredentials(DeviceFixtures.linkedCredentials())
        for record in SignalKeys.generatePreKeys(start: 1, count: 3) { try await store.storePreKey(record) }
        try await store.storeSession(DeviceFixtures.session(), for: DeviceFixtures.address(1))
        try await store.storeSenderKey(
            SenderKeyRecord.newOwnSenderKey(),
            for: SenderKeyName(groupID: "120363000000000001@g.us", sender: DeviceFixtures.address(1)))
        _ = try await store.savePeerIdentity(SecureRandom.bytes(32), for: DeviceFixtures.address(1))
        try await store.storeLIDMapping(lid: "98765432100123", phoneNumber: "15550001001")
        try await store.markReceived("15550001001@s.whatsapp.net/3EB0AAAA")
        try await store.saveSentMessage(
            SentMessageRecord(
                id: "3EB0BBBB", chat: "98765432100123@lid", message: Data("hi".utf8), timestamp: Date()))
        try await store.addSenderKeyHolders(["1555:1", "1555:2"], group: "120363000000000001@g.us")
    }

    @Test(arguments: TestBackend.allCases)
    func credentialsRoundTripAcrossReopen(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let unlinkedID = UUID()
            let linkedID = UUID()
            let unlinked = try DeviceCredentials.generate()
            let linked = try DeviceFixtures.linkedCredentials()
            let database = try await TestBackend.open(location)
            #expect(try await store(database, unlinkedID).loadCredentials() == nil)
            try await store(database, unlinkedID).saveCredentials(unlinked)
            // Saved unlinked first, then replaced once linked, as the engine does.
            try await store(database, linkedID).saveCredentials(try DeviceCredentials.generate())
            try await store(database, linkedID).saveCredentials(linked)
            await database.close()

            let reopened = try await TestBackend.open(location)
            #expect(try await store(reopened, unlinkedID).loadCredentials() == unlinked)
            #expect(try await store(reopened, linkedID).loadCredentials() == linked)
            #expect(try await rowCounts(reopened, linkedID)[DeviceTable.credentials.rawValue] == 1)
            await reopened.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func preKeysStoreLoadRemoveAndCount(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let device = store(database, UUID())
            let other = store(database, UUID())
            let records = SignalKeys.generatePreKeys(start: 1, count: 30)
            for record in records { try await device.storePreKey(record) }
            #expect(try await device.preKeyCount() == 30)
            #expect(try await other.preKeyCount() == 0)
            #expect(try await device.loadPreKey(id: 17) == records[16])
            #expect(try await other.loadPreKey(id: 17) == nil)
            try await device.removePreKey(id: 17)
            try await device.removePreKey(id: 17)
            #expect(try await device.loadPreKey(id: 17) == nil)
            #expect(try await device.preKeyCount() == 29)
            // Storing an id again replaces it.
            let replacement = PreKeyRecord(id: 3, keyPair: .generate())
            try await device.storePreKey(replacement)
            #expect(try await device.loadPreKey(id: 3) == replacement)
            #expect(try await device.preKeyCount() == 29)
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func sessionsAndSenderKeysSurviveReopen(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let instance = UUID()
            let sessions = try (0..<5).map { _ in try DeviceFixtures.session() }
            let group = "120363000000000002@g.us"
            let senderKeys = (0..<3).map { _ in SenderKeyRecord.newOwnSenderKey() }
            let database = try await TestBackend.open(location)
            let device = store(database, instance)
            for (index, session) in sessions.enumerated() {
                try await device.storeSession(session, for: DeviceFixtures.address(index))
            }
            for (index, record) in senderKeys.enumerated() {
                try await device.storeSenderKey(
                    record, for: SenderKeyName(groupID: group, sender: DeviceFixtures.address(index)))
            }
            // Storing again replaces.
            try await device.storeSession(sessions[4], for: DeviceFixtures.address(0))
            try await device.deleteSession(for: DeviceFixtures.address(3))
            await database.close()

            let reopened = try await TestBackend.open(location)
            let again = store(reopened, instance)
            #expect(try await again.loadSession(for: DeviceFixtures.address(0)) == sessions[4])
            for index in [1, 2, 4] {
                #expect(try await again.loadSession(for: DeviceFixtures.address(index)) == sessions[index])
            }
            #expect(try await again.loadSession(for: DeviceFixtures.address(3)) == nil)
            for (index, record) in senderKeys.enumerated() {
                let name = SenderKeyName(groupID: group, sender: DeviceFixtures.address(index))
                #expect(try await again.loadSenderKey(for: name) == record)
            }
            #expect(
                try await again.loadSenderKey(
                    for: SenderKeyName(groupID: "other@g.us", sender: DeviceFixtures.address(0))) == nil)
            await reopened.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func storedBlobsHoldNoSecretBytes(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let instance = UUID()
            let database = try await TestBackend.open(location)
            let device = store(database, instance)
            let credentials = try DeviceFixtures.linkedCredentials()
            try await device.saveCredentials(credentials)
            let preKey = PreKeyRecord(id: 9, keyPair: .generate())
            try await device.storePreKey(preKey)
            let session = try DeviceFixtures.session()
            try await device.storeSession(session, for: DeviceFixtures.address(1))
            let senderKey = SenderKeyRecord.newOwnSenderKey()
            try await device.storeSenderKey(
                senderKey, for: SenderKeyName(groupID: "g@g.us", sender: DeviceFixtures.address(1)))
            let body = Data("the message content, sealed too".utf8)
            try await device.saveSentMessage(
                SentMessageRecord(id: "3EB0CCCC", chat: "1555@lid", message: body, timestamp: Date()))

            let secrets: [(DeviceTable, [Data])] = [
                (
                    .credentials,
                    [
                        credentials.noiseKey.privateKey, credentials.identityKey.privateKey,
                        credentials.signedPreKey.keyPair.privateKey, credentials.advSecret,
                        credentials.account?.signedIdentity ?? Data(),
                    ]
                ),
                (.preKeys, [preKey.keyPair.privateKey]),
                (.sessions, [try #require(session.current).sendingChain.ratchetKeyPair.privateKey]),
                (.senderKeys, [try #require(senderKey.states.first?.signingKeyPair?.privateKey)]),
                (.sentMessages, [body]),
            ]
            for (table, needles) in secrets {
                let blobs = try await sealedBlobs(database, table, instance)
                #expect(blobs.count == 1, "\(table)")
                for blob in blobs {
                    #expect(blob.first == SecretBox.version)
                    for needle in needles {
                        #expect(
                            !DeviceFixtures.contains(blob, needle), "\(table) holds a secret in the clear")
                        // Nor in the halves of it, in case a prefix were stored.
                        #expect(!DeviceFixtures.contains(blob, needle.prefix(16)))
                    }
                }
            }
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aCiphertextMovedToAnotherInstanceDoesNotDecrypt(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let (a, b) = (UUID(), UUID())
            try await store(database, a).saveCredentials(DeviceFixtures.linkedCredentials())
            try await store(database, b).saveCredentials(DeviceCredentials.generate())
            let address = DeviceFixtures.address(1)
            try await store(database, a).storeSession(DeviceFixtures.session(), for: address)
            try await store(database, b).storeSession(DeviceFixtures.session(), for: address)

            // Copy A's sealed credentials and session over B's rows.
            let credentials = try #require(try await sealedBlobs(database, .credentials, a).first)
            try await database.query(
                "UPDATE \(raw: DeviceTable.credentials.sql) SET sealed = \(credentials) WHERE instance_id = \(b)"
            )
            let session = try #require(try await sealedBlobs(database, .sessions, a).first)
            try await database.query(
                "UPDATE \(raw: DeviceTable.sessions.sql) SET sealed = \(session) WHERE instance_id = \(b)")

            await #expect {
                try await store(database, b).credentials()
            } throws: { error in
                guard case StoreError.corrupt = error else { return false }
                return true
            }
            // At the engine's boundary, the engine's own typed errors.
            await #expect {
                try await store(database, b).loadCredentials()
            } throws: { error in
                guard case EngineError.store(let why) = error else { return false }
                return why.contains("does not decrypt")
            }
            await #expect {
                try await store(database, b).loadSession(for: address)
            } throws: { error in
                guard case SignalError.storeFailure(let why) = error else { return false }
                return why.contains("does not decrypt")
            }
            // A's rows still open where they belong.
            #expect(try await store(database, a).loadCredentials() != nil)

            // Moved to another row of the same instance: refused as well.
            let other = DeviceFixtures.address(2)
            try await store(database, a).storeSession(DeviceFixtures.session(), for: other)
            try await database.query(
                """
                UPDATE \(raw: DeviceTable.sessions.sql) SET sealed = \(session)
                WHERE instance_id = \(a) AND address = \(other.description)
                """)
            await #expect(throws: SignalError.self) { try await store(database, a).loadSession(for: other) }
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func aWrongMasterKeyFailsTyped(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let instance = UUID()
            try await fill(store(database, instance))
            let wrong = store(database, instance, master: .generate())
            await #expect {
                try await wrong.credentials()
            } throws: { error in
                guard case StoreError.corrupt = error else { return false }
                return true
            }
            await #expect(throws: EngineError.self) { try await wrong.loadCredentials() }
            await #expect(throws: SignalError.self) { try await wrong.loadPreKey(id: 1) }
            await #expect(throws: SignalError.self) {
                try await wrong.loadSession(for: DeviceFixtures.address(1))
            }
            await #expect(throws: SignalError.self) {
                try await wrong.loadSenderKey(
                    for: SenderKeyName(groupID: "120363000000000001@g.us", sender: DeviceFixtures.address(1)))
            }
            await #expect(throws: EngineError.self) { try await wrong.sentMessage(id: "3EB0BBBB") }
            // What is not secret still reads.
            #expect(try await wrong.lid(forPhoneNumber: "15550001001") == "98765432100123")
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func sentMessagesKeepTheNewestThousand(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let device = store(database, UUID())
            let other = store(database, UUID())
            let kept = SQLDeviceStore.keptSentMessages
            let start = Date(timeIntervalSince1970: 1_750_000_000)
            func record(_ index: Int) -> SentMessageRecord {
                SentMessageRecord(
                    id: "3EB0\(index)", chat: "1555\(index % 7)@lid", message: Data("message \(index)".utf8),
                    timestamp: start.addingTimeInterval(Double(index)))
            }
            try await other.saveSentMessage(record(0))
            for index in 0..<(kept + 5) {
                try await device.saveSentMessage(record(index))
                // Saving an early one again keeps its place: it is still the oldest.
                if index == 2 { try await device.saveSentMessage(record(0)) }
            }
            #expect(
                try await rowCounts(database, device.instanceID)[DeviceTable.sentMessages.rawValue]
                    == Int64(kept))
            for index in 0..<5 { #expect(try await device.sentMessage(id: "3EB0\(index)") == nil) }
            #expect(try await device.sentMessage(id: "3EB05") == record(5))
            #expect(try await device.sentMessage(id: "3EB0\(kept + 4)") == record(kept + 4))
            // Another instance's are not pruned by this one's.
            #expect(try await other.sentMessage(id: "3EB00") == record(0))
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func wipeLeavesNoRowOfThatInstanceOnly(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let (a, b) = (UUID(), UUID())
            try await fill(store(database, a))
            try await fill(store(database, b))
            let before = try await rowCounts(database, b)
            #expect(try await rowCounts(database, a).values.allSatisfy { $0 > 0 })

            try await store(database, a).wipe()
            #expect(try await rowCounts(database, a).values.allSatisfy { $0 == 0 })
            #expect(try await rowCounts(database, b) == before)
            #expect(try await store(database, a).loadCredentials() == nil)
            #expect(try await store(database, b).loadCredentials() != nil)

            // deleteAll inside a transaction that then fails leaves everything.
            await #expect(throws: StoreError.self) {
                try await database.transaction { executor throws(StoreError) in
                    try await SQLDeviceStore.deleteAll(instanceID: b, on: executor)
                    throw StoreError.query("the gateway's delete failed later")
                }
            }
            #expect(try await rowCounts(database, b) == before)
            try await database.transaction { executor throws(StoreError) in
                try await SQLDeviceStore.deleteAll(instanceID: b, on: executor)
            }
            #expect(try await rowCounts(database, b).values.allSatisfy { $0 == 0 })
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func twoInstancesAreIsolated(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let a = store(database, UUID())
            let b = store(database, UUID())
            try await fill(a)
            let address = DeviceFixtures.address(1)
            let group = "120363000000000001@g.us"
            #expect(try await b.loadCredentials() == nil)
            #expect(try await b.preKeyCount() == 0)
            #expect(try await b.loadSession(for: address) == nil)
            #expect(try await b.loadSenderKey(for: SenderKeyName(groupID: group, sender: address)) == nil)
            #expect(try await b.peerIdentity(for: address) == nil)
            #expect(try await b.lid(forPhoneNumber: "15550001001") == nil)
            #expect(try await b.phoneNumber(forLID: "98765432100123") == nil)
            #expect(try await !b.hasReceived("15550001001@s.whatsapp.net/3EB0AAAA"))
            #expect(try await b.sentMessage(id: "3EB0BBBB") == nil)
            #expect(try await b.senderKeyHolders(group: group).isEmpty)

            // The same keys in B do not disturb A.
            try await b.storeLIDMapping(lid: "111", phoneNumber: "15550001001")
            try await b.addSenderKeyHolders(["9:9"], group: group)
            #expect(try await a.lid(forPhoneNumber: "15550001001") == "98765432100123")
            #expect(try await a.senderKeyHolders(group: group) == ["1555:1", "1555:2"])
            await database.close()
        }
    }

    @Test(arguments: TestBackend.allCases)
    func messagingBookkeeping(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let device = store(database, UUID())
            let address = DeviceFixtures.address(4)
            let (first, second) = (SecureRandom.bytes(32), SecureRandom.bytes(32))
            #expect(try await !device.savePeerIdentity(first, for: address))
            #expect(try await !device.savePeerIdentity(first, for: address))
            #expect(try await device.savePeerIdentity(second, for: address))
            #expect(try await device.peerIdentity(for: address) == second)

            try await device.storeLIDMapping(lid: "111", phoneNumber: "5511999990000")
            #expect(try await device.lid(forPhoneNumber: "5511999990000") == "111")
            #expect(try await device.phoneNumber(forLID: "111") == "5511999990000")
            // A number that moves to a new LID leaves no stale mapping either way.
            try await device.storeLIDMapping(lid: "222", phoneNumber: "5511999990000")
            #expect(try await device.lid(forPhoneNumber: "5511999990000") == "222")
            #expect(try await device.phoneNumber(forLID: "111") == nil)
            try await device.storeLIDMapping(lid: "222", phoneNumber: "5511999990000")

            #expect(try await !device.hasReceived("k1"))
            try await device.markReceived("k1")
            try await device.markReceived("k1")
            #expect(try await device.hasReceived("k1"))
            let old = Date(timeIntervalSinceNow: -3 * 86_400)
            try await device.insertReceivedKey("k0", on: database, at: old)
            try await device.pruneReceived(before: Date(timeIntervalSinceNow: -86_400))
            #expect(try await !device.hasReceived("k0"))
            #expect(try await device.hasReceived("k1"))

            // The gateway's hook: a received key inside a transaction that fails is not kept.
            await #expect(throws: StoreError.self) {
                try await database.transaction { executor throws(StoreError) in
                    try await device.insertReceivedKey("k2", on: executor)
                    throw StoreError.query("storing the message failed")
                }
            }
            #expect(try await !device.hasReceived("k2"))

            let many = (0..<600).map { "1555\($0):\($0 % 4)" }
            try await device.addSenderKeyHolders(Array(many.prefix(300)), group: "g@g.us")
            try await device.addSenderKeyHolders(many, group: "g@g.us")
            try await device.addSenderKeyHolders([], group: "g@g.us")
            #expect(try await device.senderKeyHolders(group: "g@g.us") == Set(many))
            #expect(try await device.senderKeyHolders(group: "h@g.us").isEmpty)
            await database.close()
        }
    }

    /// Figures for the report: storing and loading 1,000 sessions, one statement each.
    @Test(arguments: TestBackend.allCases)
    func thousandSessionsTiming(_ backend: TestBackend) async throws {
        try await backend.withScratchLocation { location in
            let database = try await TestBackend.open(location)
            let device = store(database, UUID())
            let session = try DeviceFixtures.session()
            let clock = ContinuousClock()
            let stored = try await clock.measure {
                for index in 0..<1_000 {
                    try await device.storeSession(session, for: DeviceFixtures.address(index))
                }
            }
            let loaded = try await clock.measure {
                for index in 0..<1_000 {
                    _ = try await device.loadSession(for: DeviceFixtures.address(index))
                }
            }
            let preKeys = SignalKeys.generatePreKeys(start: 1, count: 812)
            let one = try await clock.measure {
                for record in preKeys { try await device.storePreKey(record) }
            }
            let other = store(database, UUID())
            let batch = try await clock.measure { try await other.storePreKeys(preKeys) }
            #expect(try await other.preKeyCount() == 812)
            #expect(try await other.loadPreKey(id: 812) == preKeys.last)
            print("[\(database.dialect)] 812 prekeys: one by one in \(one), in one transaction in \(batch)")
            print(
                "[\(database.dialect)] 1,000 sessions (\(session.serialized().count) bytes): stored in \(stored), loaded in \(loaded)"
            )
            await database.close()
        }
    }
}
