import Foundation
import ZapgateMessaging
import ZapgateSignal
import ZapgateWire

extension DeviceSession {
    /// The devices of each user (phone-number or LID JIDs), as LID device JIDs: from the cache,
    /// or one usync query for those not cached. PN↔LID mappings learnt on the way are stored.
    func devices(of users: [JID]) async throws(EngineError) -> [JID: [JID]] {
        var result: [JID: [JID]] = [:]
        var unknown: [JID] = []
        for user in users.map(\.withoutDevice) where result[user] == nil {
            let lid = user.server == .lid ? user.user : try await store.lid(forPhoneNumber: user.user)
            if let lid, let cached = deviceCache[lid] {
                result[user] = cached
            } else {
                unknown.append(user)
            }
        }
        guard !unknown.isEmpty else { return result }
        // A devices notification read while the query is out makes its answer stale.
        let generation = directoryGeneration
        let answer = try await query(
            type: "get", xmlns: "usync", children: [USyncDeviceQuery.request(users: unknown, sid: nextIQID())]
        )
        let lists: [USyncDevices]
        do { lists = try USyncDeviceQuery.parse(answer: answer) } catch {
            throw .protocolViolation("\(error)")
        }
        for list in lists {
            guard let lid = list.lid ?? (list.user.server == .lid ? list.user : nil) else {
                result[list.user] = list.devices.map { list.user.onDevice($0.id) }
                continue
            }
            if list.user.server == .phoneNumber {
                try await store.storeLIDMapping(lid: lid.user, phoneNumber: list.user.user)
            }
            let devices = list.devices.map { JID(user: lid.user, server: .lid, device: $0.id) }
            if !devices.isEmpty, generation == directoryGeneration { deviceCache[lid.user] = devices }
            result[list.user] = devices
        }
        return result
    }

    /// The members of a group (LID user JIDs), cached for a while; membership changes clear it.
    func members(of group: JID) async throws(EngineError) -> [JID] {
        if let cached = groupCache[group.user], ContinuousClock.now - cached.fetched < .seconds(300) {
            return cached.members
        }
        let generation = directoryGeneration
        let answer: BinaryNode
        do {
            answer = try await query(
                type: "get", xmlns: "w:g2", to: group.withoutDevice,
                children: [BinaryNode(tag: "query", attributes: ["request": "interactive"])])
        } catch .iqFailed(let code, _) where code == 403 || code == 404 {
            throw .notInGroup(group.description)
        }
        guard let metadata = answer.child("group") else {
            throw .protocolViolation("group answer without <group>")
        }
        var members: [JID] = []
        for participant in metadata.children(tagged: "participant") {
            guard let jid = try? participant.jid("jid") else { continue }
            if jid.server == .lid, let phone = (try? participant.optionalJID("phone_number")) ?? nil {
                try await store.storeLIDMapping(lid: jid.user, phoneNumber: phone.user)
            }
            members.append(jid.withoutDevice)
        }
        if generation == directoryGeneration { groupCache[group.user] = (members, .now) }
        return members
    }

    /// Starts sessions with the devices that have none, from bundles fetched in one query.
    /// Devices the server has no keys for are left out of the result.
    func prepareSessions(with devices: [JID]) async throws(EngineError) -> [JID] {
        let missing = try await withCryptoLock { encryptor, _ throws(EngineError) in
            do { return try await encryptor.devicesWithoutSession(devices) } catch {
                throw .encryption("\(error)")
            }
        }
        guard !missing.isEmpty else { return devices }
        let answer = try await query(
            type: "get", xmlns: "encrypt", children: [PreKeyBundleQuery.request(devices: missing)])
        let bundles: [JID: Result<PreKeyBundle, MessagingError>]
        do { bundles = try PreKeyBundleQuery.parse(answer: answer) } catch {
            throw .protocolViolation("\(error)")
        }
        var unusable: Set<JID> = []
        try await withCryptoLock { encryptor, _ throws(EngineError) in
            for device in missing {
                guard case .success(let bundle)? = bundles[device] else {
                    unusable.insert(device)
                    continue
                }
                do { try await encryptor.startSession(with: device, bundle: bundle) } catch {
                    logger.warning(
                        "bad prekey bundle", metadata: ["device": "\(device)", "error": "\(error)"])
                    unusable.insert(device)
                }
            }
        }
        return devices.filter { !unusable.contains($0) }
    }

    /// A LID user's phone-number JID when the mapping is known, else the LID itself.
    func preferredJID(for user: JID) async -> JID {
        guard user.server == .lid, let phone = try? await store.phoneNumber(forLID: user.user) else {
            return user.withoutDevice
        }
        return JID(user: phone, server: .phoneNumber)
    }
}
