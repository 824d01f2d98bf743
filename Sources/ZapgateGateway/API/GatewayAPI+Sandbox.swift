import Foundation
import ZapgateAPI
import ZapgateMessaging
import ZapgateSimulator
import ZapgateWire

extension GatewayAPI {
    private func phones() throws(GatewayError) -> SandboxPhones {
        guard let sandbox else { throw .notFound("The sandbox runs only with `zapgate serve --sandbox`.") }
        return sandbox
    }

    private func describe(_ phone: SimulatedPhone, name: String?) async -> Components.Schemas.SandboxPhone {
        let devices = await phone.devices().filter { $0.jid.device != 0 }.map(\.jid.description)
        return .init(
            phoneNumber: phone.phoneNumber, name: name, jid: phone.jid.description, linkedDevices: devices)
    }

    func listSandboxPhones(_ input: Operations.ListSandboxPhones.Input) async throws
        -> Operations.ListSandboxPhones.Output
    {
        let sandbox = try phones()
        var items: [Components.Schemas.SandboxPhone] = []
        for entry in await sandbox.all() {
            items.append(await describe(try await sandbox.phone(entry.phoneNumber), name: entry.name))
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createSandboxPhone(_ input: Operations.CreateSandboxPhone.Input) async throws
        -> Operations.CreateSandboxPhone.Output
    {
        let sandbox = try phones()
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let name = try body.name.map { name throws(GatewayError) in
            try Validation.text(name, field: "/name", maximum: 64)
        }
        let phone = try await sandbox.phone(body.phoneNumber, name: name)
        return .created(.init(body: .json(await describe(phone, name: name))))
    }

    func scanSandboxQR(_ input: Operations.ScanSandboxQR.Input) async throws
        -> Operations.ScanSandboxQR.Output
    {
        let phone = try await phones().existing(input.path.phoneNumber)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let qr = try Validation.text(body.qr, field: "/qr", maximum: 1_024)
        do {
            let device = try await phone.scan(qr)
            return .ok(.init(body: .json(.init(linked: true, deviceJid: device.jid.description))))
        } catch {
            throw GatewayError.validation(
                field: "/qr", detail: "The phone could not link with this QR code: \(error)")
        }
    }

    func enterSandboxPairingCode(_ input: Operations.EnterSandboxPairingCode.Input) async throws
        -> Operations.EnterSandboxPairingCode.Output
    {
        let phone = try await phones().existing(input.path.phoneNumber)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let code = try Validation.text(body.code, field: "/code", maximum: 16)
        do {
            let device = try await phone.enterPairingCode(code)
            return .ok(.init(body: .json(.init(linked: true, deviceJid: device.jid.description))))
        } catch {
            throw GatewayError.validation(
                field: "/code", detail: "The phone could not link with this code: \(error)")
        }
    }

    func sendSandboxMessage(_ input: Operations.SendSandboxMessage.Input) async throws
        -> Operations.SendSandboxMessage.Output
    {
        let phone = try await phones().existing(input.path.phoneNumber)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let to = try Validation.recipient(body.to)
        let text = try Validation.text(body.text, field: "/text", maximum: 65_536)
        do {
            let id = try await phone.send(.text(text), to: to)
            return .accepted(.init(body: .json(.init(id: id))))
        } catch {
            throw GatewayError.validation(field: "/to", detail: "The phone could not send: \(error)")
        }
    }

    func listSandboxMessages(_ input: Operations.ListSandboxMessages.Input) async throws
        -> Operations.ListSandboxMessages.Output
    {
        let phone = try await phones().existing(input.path.phoneNumber)
        let messages = (try? await phone.receivedMessages()) ?? []
        let items = messages.map { message in
            Components.Schemas.SandboxMessage(
                id: message.id, from: message.sender.withoutDevice.description,
                chat: message.chat.description,
                _type: Components.Schemas.MessageType(rawValue: message.kind.apiName) ?? .unknown,
                text: message.message.text, timestamp: message.timestamp)
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func markSandboxMessageRead(_ input: Operations.MarkSandboxMessageRead.Input) async throws
        -> Operations.MarkSandboxMessageRead.Output
    {
        let phone = try await phones().existing(input.path.phoneNumber)
        let id = try Validation.messageID(input.path.messageId)
        let read = (try? await phone.markRead([id])) ?? []
        guard !read.isEmpty else { throw GatewayError.notFound("The phone has no received message \(id).") }
        return .noContent(.init())
    }
}
