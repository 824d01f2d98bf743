import Foundation
import ZapgateCrypto
import ZapgateProtocol
import ZapgateWire

/// The scripted phone of one account: it scans QR codes, types pairing codes and unlinks
/// devices, as a person holding the phone would. Tests and `zapgate sim` drive it.
public struct SimulatedPhone: Sendable {
    /// The account's phone number (digits).
    public let phoneNumber: String
    let registry: SimulatorRegistry
    let relay: SimulatorRelay

    /// The account's address, `number@s.whatsapp.net`.
    public var jid: JID { JID(user: phoneNumber, server: .phoneNumber) }

    /// The account's LID address.
    public func lid() async -> JID {
        JID(user: await registry.account(phoneNumber).lid, server: .lid)
    }

    /// Scans a companion's QR code and links it. Returns once the companion countersigned and
    /// was sent the 515 restart.
    public func scan(_ qr: String) async throws(SimulatorError) -> SimulatedDevice {
        let code: LinkingQRCode
        do { code = try LinkingQRCode(parsing: qr) } catch { throw .invalidInput("\(error)") }
        guard let pending = await registry.takePending(ref: code.ref) else {
            throw .noPendingLink("no companion is showing ref \(code.ref) (expired or already linked)")
        }
        guard code.noisePublicKey == pending.noiseKey,
            code.identityPublicKey == pending.registration.identityKey
        else {
            await pending.connection.close()
            throw .linkFailed("the QR code's keys are not the ones the companion registered")
        }
        let device = try await pending.connection.completeLink(
            phoneNumber: phoneNumber, registration: pending.registration, advSecret: code.advSecret)
        await relay.devicesChanged(phoneNumber, device: device.jid.device, added: true)
        return device
    }

    /// Types a pairing code the companion showed after asking to link with this number.
    public func enterPairingCode(_ typed: String) async throws(SimulatorError) -> SimulatedDevice {
        guard let code = PairingCode.normalize(typed) else {
            throw .invalidInput("\(typed) is not an 8-character pairing code")
        }
        guard let pending = await registry.pendingCode(phoneNumber: phoneNumber) else {
            throw .noPendingLink("no companion asked for a pairing code for \(phoneNumber)")
        }
        let identity: Curve25519KeyPair
        do { identity = try await registry.account(phoneNumber).identity() } catch {
            throw .storage("account key: \(error)")
        }
        let advSecret = try await pending.connection.exchangePairingCode(
            code, pending: pending, phoneIdentity: identity)
        guard await registry.claim(pending.connection) else {
            throw .noPendingLink("the companion linked another way meanwhile")
        }
        let device = try await pending.connection.completeLink(
            phoneNumber: phoneNumber, registration: pending.registration, advSecret: advSecret)
        await relay.devicesChanged(phoneNumber, device: device.jid.device, added: true)
        return device
    }

    /// The companions linked to this account.
    public func devices() async -> [SimulatedDevice] {
        await registry.allDevices().filter { $0.jid.user == phoneNumber }
    }

    /// Unlinks a companion ("Log out" in Linked devices): it is told `device_removed` if online
    /// and refused with 401 if it tries to log in again.
    public func removeDevice(_ device: JID) async throws(SimulatorError) {
        let key = SimulatorRegistry.DeviceKey(phoneNumber: phoneNumber, device: device.device)
        guard device.device != 0, await registry.device(key) != nil else {
            throw .unknown("device \(device) of \(phoneNumber)")
        }
        if let connection = await registry.removeDevice(key) {
            await connection.end(with: .deviceRemoved)
        }
        await relay.devicesChanged(phoneNumber, device: device.device, added: false)
    }
}
