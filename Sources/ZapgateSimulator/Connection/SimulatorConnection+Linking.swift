import Foundation
import SwiftProtobuf
import ZapgateCrypto
import ZapgateProto
import ZapgateProtocol
import ZapgateWire

extension SimulatorConnection {
    /// The phone accepted this companion (by QR or code): sign its identity with the account
    /// key, send `pair-success`, check its countersignature, store it, then ask for the 515
    /// restart that makes it log in.
    func completeLink(
        phoneNumber: String,
        registration: CompanionRegistration,
        advSecret: Data
    ) async throws(SimulatorError) -> SimulatedDevice {
        let (deviceID, keyIndex, account) = await registry.allocateDevice(phoneNumber)
        let accountKey: Curve25519KeyPair
        do { accountKey = try account.identity() } catch { throw .storage("account key: \(error)") }

        var details = WAADVDeviceIdentity()
        details.rawID = UInt32.random(in: 1...UInt32.max)
        details.timestamp = UInt64(Date().timeIntervalSince1970)
        details.keyIndex = keyIndex
        let container: Data
        do {
            container = try DeviceIdentitySigning.issue(
                details: details, accountKey: accountKey, companionIdentity: registration.identityKey,
                advSecret: advSecret)
        } catch {
            throw .linkFailed("could not sign the device identity: \(error)")
        }
        let jid = JID(user: phoneNumber, server: .phoneNumber, device: deviceID)
        let lid = JID(user: account.lid, server: .lid, device: deviceID)
        let success = BinaryNode(
            tag: "iq",
            attributes: [
                "from": .jid(.whatsAppServer), "type": "set", "id": .string(nextID()),
                "t": .string(String(details.timestamp)),
            ],
            children: [
                BinaryNode(
                    tag: "pair-success",
                    children: [
                        BinaryNode(tag: "device-identity", bytes: container),
                        BinaryNode(tag: "device", attributes: ["jid": .jid(jid), "lid": .jid(lid)]),
                        BinaryNode(
                            tag: "platform", attributes: ["name": .string(configuration.phonePlatform)]),
                    ])
            ])
        let reply = try await request(success)
        if let error = reply.iqErrorDetails {
            throw .linkFailed("the companion refused pair-success: \(error.code) \(error.text)")
        }
        guard let signedBytes = reply.child(path: "pair-device-sign", "device-identity")?.bytes,
            var signed = try? WAADVSignedDeviceIdentity(serializedBytes: signedBytes),
            let detailBytes = try? details.serializedData(), signed.details == detailBytes
        else { throw .linkFailed("pair-device-sign carries no device identity for this link") }
        signed.accountSignatureKey = accountKey.publicKey
        guard
            DeviceIdentitySigning.isValidDeviceSignature(
                signed, companionIdentity: registration.identityKey, accountKey: accountKey.publicKey)
        else {
            await close()
            throw .linkFailed("the companion's device signature does not verify")
        }
        let record = CompanionRecord(
            id: deviceID, noiseKey: connection.session.remoteStaticKey, identityKey: registration.identityKey,
            registrationID: registration.registrationID, signedPreKeyID: registration.signedPreKeyID,
            signedPreKey: registration.signedPreKey,
            signedPreKeySignature: registration.signedPreKeySignature,
            preKeys: [:], keyIndex: keyIndex, signedIdentity: (try? signed.serializedData()) ?? signedBytes,
            name: registration.deviceProps.os, linkedAt: Date())
        await registry.addDevice(record, to: phoneNumber)
        linked = true
        await end(with: .restartRequired)
        let key = SimulatorRegistry.DeviceKey(phoneNumber: phoneNumber, device: deviceID)
        guard let device = await registry.describe(key) else { throw .unknown("device \(jid)") }
        return device
    }

    /// `link_code_companion_reg`: `companion_hello` opens a pairing-code link for a phone
    /// number; `companion_finish` answers the phone's notification.
    func linkCodeStage(_ iq: BinaryNode) async {
        guard let stageNode = iq.child("link_code_companion_reg") else { return }
        switch stageNode.attributes["stage"]?.description {
        case "companion_hello":
            await companionHello(iq, stageNode)
        case "companion_finish":
            if let waiter = awaitedFinish {
                awaitedFinish = nil
                waiter.resume(returning: iq)
            } else if expectingFinish {
                earlyFinish = iq
            } else {
                await send(iq.iqError(code: 400, text: "bad-request", from: true))
            }
        default:
            await send(iq.iqError(code: 400, text: "bad-request", from: true))
        }
    }

    private func companionHello(_ iq: BinaryNode, _ hello: BinaryNode) async {
        guard case .registering(let registration) = role, let phone = try? hello.jid("jid"),
            phone.isPhoneNumberUser,
            let wrapped = hello.child("link_code_pairing_wrapped_companion_ephemeral_pub")?.bytes,
            wrapped.count == PairingCode.wrappedLength,
            hello.child("companion_server_auth_key_pub")?.bytes == connection.session.remoteStaticKey,
            let display = hello.child("companion_platform_display")?.text, Self.isValidDisplay(display)
        else {
            await send(iq.iqError(code: 400, text: "bad-request", from: true))
            return
        }
        let ref = SecureRandom.bytes(32)
        await registry.addPendingCode(
            phoneNumber: phone.user,
            PendingCodeLink(
                connection: self, registration: registration, noiseKey: connection.session.remoteStaticKey,
                wrappedCompanionEphemeral: wrapped, ref: ref))
        await send(
            iq.iqResult(
                children: [
                    BinaryNode(
                        tag: "link_code_companion_reg",
                        children: [BinaryNode(tag: "link_code_pairing_ref", bytes: ref)])
                ], from: true))
    }

    /// "Name (OS)": the server refuses other shapes with 400.
    static func isValidDisplay(_ display: String) -> Bool {
        guard let open = display.firstIndex(of: "("), display.hasSuffix(")") else { return false }
        return open > display.startIndex && display[display.index(before: open)] == " "
    }

    /// The phone typed `code`: send our wrapped ephemeral and identity, wait for the
    /// companion's key bundle, and derive the adv secret from it.
    func exchangePairingCode(
        _ code: String,
        pending: PendingCodeLink,
        phoneIdentity: Curve25519KeyPair
    ) async throws(SimulatorError) -> Data {
        let ephemeral = Curve25519KeyPair.generate()
        let companionEphemeral: Data
        let wrapped: Data
        do {
            companionEphemeral = try PairingCode.unwrap(pending.wrappedCompanionEphemeral, code: code)
            wrapped = try PairingCode.wrap(ephemeral.publicKey, code: code)
        } catch {
            throw .linkFailed("pairing-code key wrapping: \(error)")
        }
        let notification = BinaryNode(
            tag: "notification",
            attributes: [
                "from": .jid(.whatsAppServer), "type": "link_code_companion_reg", "id": .string(nextID()),
            ],
            children: [
                BinaryNode(
                    tag: "link_code_companion_reg",
                    children: [
                        BinaryNode(tag: "link_code_pairing_ref", bytes: pending.ref),
                        BinaryNode(tag: "primary_identity_pub", bytes: phoneIdentity.publicKey),
                        BinaryNode(tag: "link_code_pairing_wrapped_primary_ephemeral_pub", bytes: wrapped),
                    ])
            ])
        let finish: BinaryNode
        expectingFinish = true
        defer { expectingFinish = false }
        await send(notification)
        do {
            finish = try await withCheckedThrowingContinuation { continuation in
                if let early = earlyFinish {
                    earlyFinish = nil
                    continuation.resume(returning: early)
                } else if isClosed {
                    continuation.resume(throwing: SimulatorError.linkFailed("the companion disconnected"))
                } else {
                    awaitedFinish = continuation
                }
            }
        } catch {
            throw .linkFailed("the companion did not finish: \(error)")
        }
        do {
            guard let stage = finish.child("link_code_companion_reg"),
                stage.child("link_code_pairing_ref")?.bytes == pending.ref,
                let bundle = stage.child("link_code_pairing_wrapped_key_bundle")?.bytes
            else { throw SimulatorError.linkFailed("companion_finish lacks its ref or key bundle") }
            // A wrong code gives the two ends different ephemeral secrets: the bundle then fails here.
            let ephemeralShared = try ephemeral.sharedSecret(with: companionEphemeral)
            let opened = try PairingCode.openKeyBundle(bundle, ephemeralShared: ephemeralShared)
            guard opened.primaryIdentity == phoneIdentity.publicKey,
                opened.companionIdentity == pending.registration.identityKey
            else { throw SimulatorError.linkFailed("the key bundle names other identities") }
            let identityShared = try phoneIdentity.sharedSecret(with: opened.companionIdentity)
            await send(finish.iqResult(from: true))
            return PairingCode.advSecret(
                ephemeralShared: ephemeralShared, identityShared: identityShared, random: opened.random)
        } catch {
            await send(finish.iqError(code: 400, text: "bad-request", from: true))
            throw .linkFailed("wrong pairing code or bad key bundle: \(error)")
        }
    }
}
