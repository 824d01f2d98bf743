import Foundation
import ZapgateEngine
import ZapgateStore

extension InstanceRuntime {
    /// Asks for a pairing code for `phoneNumber`, starting the session first if needed and
    /// waiting (up to `wait`) until the server is ready to link this device.
    func requestPairingCode(phoneNumber: String, wait: Duration = .seconds(20)) async throws(GatewayError)
        -> String
    {
        if running == nil { await start() }
        let deadline = ContinuousClock.now.advanced(by: wait)
        while status != .awaitingLink {
            if status == .connected { throw .alreadyLinked }
            guard ContinuousClock.now < deadline, running != nil else {
                throw .unavailable(
                    "The instance could not reach WhatsApp to link; see its status and lastError.")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard let session else { throw .unavailable("The instance stopped.") }
        do {
            let code = try await session.requestPairingCode(phoneNumber: phoneNumber)
            showPairingCode(code)
            return code
        } catch .invalidPhoneNumber {
            throw .validation(field: "/phoneNumber", detail: "WhatsApp does not take this number.")
        } catch .notAwaitingPairing {
            throw .conflict("The instance is not waiting to link; connect it again.")
        } catch {
            throw .unavailable("Requesting the pairing code failed: \(error)")
        }
    }

    /// Unlinks the device from the account and wipes its credentials. Without a connection
    /// the phone cannot be told, so only the credentials go.
    func logout() async throws(GatewayError) {
        if let session, status == .connected {
            do {
                try await session.logout()
            } catch {
                throw .unavailable("WhatsApp did not confirm the logout: \(error)")
            }
            // The session ends by itself and reports the logout; cancelling it could lose that.
            await running?.value
            return
        }
        await stop()
        do { try await deviceStore.wipe() } catch {
            throw .unavailable("Could not wipe the credentials: \(error)")
        }
        do { try await store.setDesiredState(id, .stopped) } catch { throw GatewayError(error) }
        await save(
            InstanceStatusChange(
                status: .loggedOut, error: ("logged_out", "logged out by request"), clearAccount: true))
    }

    /// Whether the stored credentials belong to a linked account.
    func isLinked() async -> Bool {
        (try? await deviceStore.loadCredentials())??.account != nil
    }
}
