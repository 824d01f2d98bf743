import Foundation
import ZapgateAPI
import ZapgateStore

extension GatewayAPI {
    func listPlans(_ input: Operations.ListPlans.Input) async throws -> Operations.ListPlans.Output {
        try Principal.requireAdmin()
        let plans = try await records { () throws(GatewayStoreError) in try await store.plans() }
        return .ok(.init(body: .json(.init(items: plans.map(Components.Schemas.Plan.init)))))
    }

    func putPlan(_ input: Operations.PutPlan.Input) async throws -> Operations.PutPlan.Output {
        try Principal.requireAdmin()
        let name = try Validation.planName(input.path.plan, field: "plan")
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        guard (0...10_000).contains(body.maxInstances) else {
            throw GatewayError.validation(field: "/maxInstances", detail: "maxInstances is 0 to 10000.")
        }
        guard (1...10_000).contains(body.linkAttemptsPerHour) else {
            throw GatewayError.validation(
                field: "/linkAttemptsPerHour", detail: "linkAttemptsPerHour is 1 to 10000.")
        }
        let plan = Plan(
            name: name, maxInstances: body.maxInstances, linkAttemptsPerHour: body.linkAttemptsPerHour)
        try await records { () throws(GatewayStoreError) in try await store.savePlan(plan) }
        return .ok(.init(body: .json(.init(plan))))
    }

    func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        try Principal.requireAdmin()
        let limit = try Validation.limit(input.query.limit)
        let page = try await records { () throws(GatewayStoreError) in
            try await store.tenants(after: input.query.cursor, limit: limit)
        }
        return .ok(
            .init(
                body: .json(
                    .init(items: page.items.map(Components.Schemas.Tenant.init), nextCursor: page.nextCursor))
            ))
    }

    func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        try Principal.requireAdmin()
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let name = try Validation.name(body.name)
        let plan = try Validation.planName(body.plan)
        let tenant = try await records { () throws(GatewayStoreError) in
            try await store.createTenant(name: name, plan: plan)
        }
        return .created(.init(body: .json(.init(tenant))))
    }

    func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        .ok(.init(body: .json(.init(try await tenant(input.path.tenantId)))))
    }

    func updateTenant(_ input: Operations.UpdateTenant.Input) async throws -> Operations.UpdateTenant.Output {
        let existing = try await tenant(input.path.tenantId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let name = try body.name.map { name throws(GatewayError) in try Validation.name(name) }
        let plan = try body.plan.map { plan throws(GatewayError) in try Validation.planName(plan) }
        guard
            let updated = try await records({ () throws(GatewayStoreError) in
                try await store.updateTenant(existing.id, name: name, plan: plan)
            })
        else { throw GatewayError.notFound("No tenant \(input.path.tenantId.prefix(64)).") }
        return .ok(.init(body: .json(.init(updated))))
    }

    func deleteTenant(_ input: Operations.DeleteTenant.Input) async throws -> Operations.DeleteTenant.Output {
        let tenant = try await tenant(input.path.tenantId)
        let instances = try await records { () throws(GatewayStoreError) in
            try await store.instanceIDs(tenantID: tenant.id)
        }
        for instance in instances { try await deleteInstance(instance) }
        _ = try await records { () throws(GatewayStoreError) in try await store.deleteTenant(tenant.id) }
        return .noContent(.init())
    }

    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let tenant = try await tenant(input.path.tenantId)
        let keys = try await records { () throws(GatewayStoreError) in
            try await store.apiKeys(tenantID: tenant.id)
        }
        return .ok(.init(body: .json(.init(items: keys.map(Components.Schemas.ApiKey.init)))))
    }

    func createApiKey(_ input: Operations.CreateApiKey.Input) async throws -> Operations.CreateApiKey.Output {
        let tenant = try await tenant(input.path.tenantId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        let name = try Validation.name(body.name)
        let secret = KeyMaterial.generate(prefix: "zgt_")
        let key = try await records { () throws(GatewayStoreError) in
            try await store.createAPIKey(
                tenantID: tenant.id, name: name, prefix: KeyMaterial.displayPrefix(secret),
                hash: KeyMaterial.hash(secret))
        }
        return .created(
            .init(
                body: .json(
                    .init(
                        id: key.id.uuidString.lowercased(), name: key.name, prefix: key.prefix, key: secret,
                        createdAt: key.createdAt))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        let tenant = try await tenant(input.path.tenantId)
        let keyID = try Validation.id(input.path.keyId, what: "key")
        let revoked = try await records { () throws(GatewayStoreError) in
            try await store.revokeAPIKey(tenantID: tenant.id, keyID: keyID)
        }
        guard revoked else { throw GatewayError.notFound("No key \(input.path.keyId.prefix(64)).") }
        return .noContent(.init())
    }

    /// A tenant by id, for the admin.
    private func tenant(_ id: String) async throws(GatewayError) -> Tenant {
        try Principal.requireAdmin()
        let tenantID = try Validation.id(id, what: "tenant")
        let tenant = try await records { () throws(GatewayStoreError) in try await store.tenant(tenantID) }
        guard let tenant else { throw .notFound("No tenant \(id.prefix(64)).") }
        return tenant
    }
}
