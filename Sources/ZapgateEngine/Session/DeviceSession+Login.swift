import Foundation
import ZapgateWire

extension DeviceSession {
    /// `<success>`: we are logged in. Record the LID if it is new, report it, then top up the
    /// prekeys, go active and start the keepalive.
    func loginSucceeded(_ node: BinaryNode) async {
        guard var current = link, var updated = credentials, let account = updated.account else {
            // A success without a linked account would be a server bug; whatsmeow ignores it too.
            logger.warning("<success> for a device that is not linked")
            return
        }
        current.loggedIn = true
        link = current
        failedAttempts = 0
        if let lid = try? node.optionalJID("lid"), account.lid?.user != lid.user {
            updated.account?.lid = JID(user: lid.user, server: .lid, device: account.jid.device)
            do { try await save(updated) } catch {
                logger.error("could not store the LID", metadata: ["error": "\(error)"])
            }
        }
        eventSink.yield(.connected)
        let generation = current.generation
        restartsInARow = 0
        startJob { [weak self] in await self?.topUpPreKeys() }
        startJob { [weak self] in
            do {
                _ = try await self?.query(
                    type: "set", xmlns: "passive", children: [BinaryNode(tag: "active")])
            } catch {
                self?.logger.warning("could not go active", metadata: ["error": "\(error)"])
            }
        }
        startJob { [weak self] in await self?.keepAlive(generation: generation) }
    }

    /// Pings the server at random points in the configured interval; after failing for
    /// ``DeviceSessionConfiguration/keepaliveGiveUp`` the connection is taken as dead.
    private func keepAlive(generation: Int) async {
        let clock = ContinuousClock()
        var failingSince: ContinuousClock.Instant?
        while link?.generation == generation {
            let range = configuration.keepaliveInterval
            let span = range.upperBound - range.lowerBound
            do { try await Task.sleep(for: range.lowerBound + span * Double.random(in: 0...1)) } catch {
                return
            }
            do {
                _ = try await query(type: "get", xmlns: "w:p", timeout: configuration.keepaliveTimeout)
                failingSince = nil
            } catch {
                let since = failingSince ?? clock.now
                failingSince = since
                logger.info("keepalive failed", metadata: ["error": "\(error)"])
                if clock.now - since >= configuration.keepaliveGiveUp || error == .connectionClosed {
                    await finish(.transient(.keepaliveTimeout))
                    return
                }
            }
        }
    }

    /// Unlinks this device: tells the server, wipes the credentials and stops the session with
    /// ``LogoutReason/userInitiated``. Needs a live, logged-in connection.
    public func logout() async throws(EngineError) {
        guard let account = credentials?.account else { throw .notLinked }
        guard link?.loggedIn == true else { throw .notConnected }
        let remove = BinaryNode(
            tag: "remove-companion-device",
            attributes: ["jid": .jid(account.jid), "reason": "user_initiated"])
        // The server confirms and hangs up, possibly before this method resumes: the answer's
        // arrival is what makes a close mean "logged out".
        _ = try await query(
            type: "set", xmlns: "md", children: [remove], onSuccessCloseMeans: .loggedOut(.userInitiated))
        await finish(.loggedOut(.userInitiated))
    }
}
