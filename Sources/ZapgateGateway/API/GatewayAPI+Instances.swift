import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateQR
import ZapgateStore

extension GatewayAPI {
    func listInstances(_ input: Operations.ListInstances.Input) async throws
        -> Operations.ListInstances.Output
    {
        let tenantID = try Principal.requireTenant()
        let limit = try Validation.limit(input.query.limit)
        let page = try await records { () throws(GatewayStoreError) in
            try await store.instances(tenantID: tenantID, after: input.query.cursor, limit: limit)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.items.map { Components.Schemas.Instance($0) }, nextCursor: page.nextCursor
                    ))))
    }

    func createInstance(_ input: Operations.CreateInstance.Input) async throws
        -> Operations.CreateInstance.Output
    {
        let tenantID = try Principal.requireTenant()
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let name = try Validation.name(body.name)
        let plan = try await plan(of: tenantID)
        var (record, existing) = try await records { () throws(GatewayStoreError) in
            try await store.createInstance(tenantID: tenantID, name: name, maxInstances: plan.maxInstances)
        }
        if body.connect == true { record = try await connect(record, plan: plan) }
        let instance = Components.Schemas.Instance(record, existing: existing)
        return existing ? .ok(.init(body: .json(instance))) : .created(.init(body: .json(instance)))
    }

    func getInstance(_ input: Operations.GetInstance.Input) async throws -> Operations.GetInstance.Output {
        .ok(.init(body: .json(.init(try await ownInstance(input.path.instanceId)))))
    }

    func deleteInstance(_ input: Operations.DeleteInstance.Input) async throws
        -> Operations.DeleteInstance.Output
    {
        let record = try await ownInstance(input.path.instanceId)
        try await deleteInstance(record.id)
        return .noContent(.init())
    }

    /// Logs the instance out if it is linked and connected, stops it, and deletes it with its
    /// credentials, messages and uploads in one transaction.
    func deleteInstance(_ id: UUID) async throws(GatewayError) {
        if let runtime = await registry.existingRuntime(id) {
            if await runtime.status == .connected { try? await runtime.logout() }
        }
        await registry.remove(id)
        _ = try await records { () throws(GatewayStoreError) in
            try await store.deleteInstance(id) { executor throws(StoreError) in
                try await SQLDeviceStore.deleteAll(instanceID: id, on: executor)
            }
        }
    }

    func connectInstance(_ input: Operations.ConnectInstance.Input) async throws
        -> Operations.ConnectInstance.Output
    {
        let record = try await ownInstance(input.path.instanceId)
        let updated = try await connect(record, plan: try await plan(of: record.tenantID))
        return .accepted(.init(body: .json(.init(updated))))
    }

    func restartInstance(_ input: Operations.RestartInstance.Input) async throws
        -> Operations.RestartInstance.Output
    {
        let record = try await ownInstance(input.path.instanceId)
        let runtime = await registry.runtime(for: record)
        await runtime.stop()
        let updated = try await connect(record, plan: try await plan(of: record.tenantID))
        return .accepted(.init(body: .json(.init(updated))))
    }

    func logoutInstance(_ input: Operations.LogoutInstance.Input) async throws
        -> Operations.LogoutInstance.Output
    {
        let record = try await ownInstance(input.path.instanceId)
        let runtime = await registry.runtime(for: record)
        let linked = await runtime.isLinked()
        guard record.jid != nil || linked else { throw GatewayError.notLinked }
        try await runtime.logout()
        return .ok(.init(body: .json(.init(try await ownInstance(input.path.instanceId)))))
    }

    func getQR(_ input: Operations.GetQR.Input) async throws -> Operations.GetQR.Output {
        let record = try await ownInstance(input.path.instanceId)
        let runtime = await registry.runtime(for: record)
        guard let qr = await runtime.qr else {
            switch await runtime.status {
            case .connected:
                throw GatewayError.noQR("The instance is linked and connected; there is no QR code.")
            case .connecting, .awaitingLink, .reconnecting:
                throw GatewayError.noQR(
                    "No QR code yet; the instance is \(await runtime.status.rawValue). Try again shortly.")
            default: throw GatewayError.noQR("The instance is not connecting; POST …/connect first.")
            }
        }
        let code: QRCode
        do { code = try QRCode(encoding: qr.code) } catch {
            throw GatewayError.internal("the QR code could not be encoded: \(error)")
        }
        let headers = Operations.GetQR.Output.Ok.Headers(cacheControl: "no-store")
        let accepted = input.headers.accept.sortedByQuality().map(\.contentType)
        for type in accepted.isEmpty ? [.json] : accepted {
            switch type {
            case .json, .other("*/*"), .other("application/*"):
                let dataURL = try code.pngDataURL()
                return .ok(
                    .init(
                        headers: headers,
                        body: .json(.init(code: qr.code, pngDataUrl: dataURL, expiresAt: qr.expiresAt))))
            case .png, .other("image/*"):
                return .ok(.init(headers: headers, body: .png(HTTPBody(try code.png()))))
            case .imageSvgXml:
                return .ok(.init(headers: headers, body: .imageSvgXml(HTTPBody(code.svg()))))
            case .plainText, .other("text/*"):
                return .ok(.init(headers: headers, body: .plainText(HTTPBody(code.terminalText()))))
            default:
                continue
            }
        }
        throw GatewayError.notAcceptable(
            "The QR code comes as application/json, image/png, image/svg+xml or text/plain.")
    }

    func requestPairingCode(_ input: Operations.RequestPairingCode.Input) async throws
        -> Operations.RequestPairingCode.Output
    {
        let record = try await ownInstance(input.path.instanceId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let phoneNumber = try Validation.phoneNumber(body.phoneNumber)
        let runtime = await registry.runtime(for: record)
        if await runtime.status == .connected { throw GatewayError.alreadyLinked }
        let plan = try await plan(of: record.tenantID)
        try await records { () throws(GatewayStoreError) in
            try await store.recordLinkAttempt(record.id, limit: plan.linkAttemptsPerHour)
            try await store.setDesiredState(record.id, .running)
        }
        let code = try await runtime.requestPairingCode(phoneNumber: phoneNumber)
        return .ok(.init(body: .json(.init(code: code, phoneNumber: phoneNumber))))
    }

    /// Starts the instance (wanting it running across restarts). Linking counts against the
    /// plan's attempts per hour; reconnecting a linked instance does not.
    private func connect(_ record: InstanceRecord, plan: Plan) async throws(GatewayError) -> InstanceRecord {
        let runtime = await registry.runtime(for: record)
        if await runtime.isRunning { return record }
        if await !runtime.isLinked() {
            try await records { () throws(GatewayStoreError) in
                try await store.recordLinkAttempt(record.id, limit: plan.linkAttemptsPerHour)
            }
        }
        try await records { () throws(GatewayStoreError) in
            try await store.setDesiredState(record.id, .running)
        }
        await runtime.start()
        return try await records { () throws(GatewayStoreError) in try await store.instance(record.id) }
            ?? record
    }

    func plan(of tenantID: UUID) async throws(GatewayError) -> Plan {
        let plan = try await records { () throws(GatewayStoreError) -> Plan? in
            guard let tenant = try await store.tenant(tenantID) else { return nil }
            return try await store.plan(named: tenant.plan)
        }
        guard let plan else { throw .unauthorized }
        return plan
    }
}
