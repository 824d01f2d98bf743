import Foundation
import ZapgateSimulator
import ZapgateWire

/// The scripted phones of `zapgate serve --sandbox`: accounts in the in-process simulator that
/// scan QR codes, type pairing codes, send, receive and read, driven over HTTP.
actor SandboxPhones {
    let simulator: Simulator
    private var names: [String: String?] = [:]

    init(simulator: Simulator) {
        self.simulator = simulator
    }

    /// Makes (or returns) the phone of an account.
    func phone(_ phoneNumber: String, name: String? = nil) async throws(GatewayError) -> SimulatedPhone {
        let digits = try Validation.phoneNumber(phoneNumber)
        do {
            let phone = try await simulator.phone(digits)
            if names[digits] == nil || name != nil { names[digits] = name }
            return phone
        } catch {
            throw .validation(field: "/phoneNumber", detail: "\(error)")
        }
    }

    /// An existing phone, or 404.
    func existing(_ phoneNumber: String) async throws(GatewayError) -> SimulatedPhone {
        let digits = try Validation.phoneNumber(phoneNumber)
        // Accounts outlive the server in the simulator's state file; names do not.
        if names[digits] == nil,
            await simulator.accountNumber(JID(user: digits, server: .phoneNumber)) == nil
        {
            throw .notFound("No sandbox phone \(digits); create it first.")
        }
        return try await phone(digits)
    }

    func all() -> [(phoneNumber: String, name: String?)] {
        names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func name(of phoneNumber: String) -> String? { names[phoneNumber] ?? nil }
}
