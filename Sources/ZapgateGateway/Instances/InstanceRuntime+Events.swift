import Foundation
import ZapgateEngine
import ZapgateStore
import ZapgateWire

extension InstanceRuntime {
    /// Turns what the session reports into the instance's state and the messages' statuses.
    /// Received messages are already stored (in the same transaction as their received key).
    func handle(_ event: DeviceEvent) async {
        switch event {
        case .qr(let code, let expiresAt):
            showQR(code, expiresAt: expiresAt)
            await log(GatewayEvent.qr(code, expiresAt: expiresAt, instanceID: id, tenantID: tenantID))
            if status != .awaitingLink { await save(InstanceStatusChange(status: .awaitingLink)) }
        case .pairingCode(let code):
            showPairingCode(code)
            await log(GatewayEvent.pairingCode(code, instanceID: id, tenantID: tenantID))
            if status != .awaitingLink { await save(InstanceStatusChange(status: .awaitingLink)) }
        case .paired(let jid, let lid, let platform):
            clearLinking()
            let account = InstanceStatusChange.Account(
                phoneNumber: jid.user, jid: jid.withoutDevice.description,
                lid: lid?.withoutDevice.description,
                platform: platform)
            await save(InstanceStatusChange(status: .connecting, account: account))
        case .connected:
            clearLinking()
            await save(InstanceStatusChange(status: .connected))
            wake()
        case .disconnected(let reason):
            await disconnected(reason)
        case .loggedOut(let reason):
            clearLinking()
            do { try await store.setDesiredState(id, .stopped) } catch {
                logger.error("could not save the desired state", metadata: ["error": "\(error)"])
            }
            await save(
                InstanceStatusChange(
                    status: .loggedOut, error: ("logged_out", reason.description), clearAccount: true))
        case .message(let message):
            // Stored with its event before the session reported it; the streams may read it now.
            environment.hub.published(id)
            environment.metrics.received(instance: id)
            logger.debug("message received", metadata: ["id": "\(message.id)", "kind": "\(message.kind)"])
        case .messageStatus(let update):
            guard let state = MessageState(rawValue: update.status.rawValue) else { return }
            do {
                try await advance(update.ids, to: state, now: update.timestamp)
            } catch {
                logger.error("could not save a message status", metadata: ["error": "\(error)"])
            }
        case .undecryptable(let message):
            logger.notice(
                "a message could not be decrypted; a retry was requested",
                metadata: ["id": "\(message.id)", "retry": "\(message.retryCount)"])
        }
    }

    /// Moves outbound messages on to `state` and logs a `message.status` event for each one
    /// that moved, in the same transaction.
    @discardableResult
    func advance(_ ids: [String], to state: MessageState, reason: String? = nil, now: Date = Date())
        async throws(GatewayStoreError) -> [MessageRecord]
    {
        let tenantID = tenantID
        let moved = try await store.advanceOutbound(
            instanceID: id, ids: ids, to: state, reason: reason, now: now
        ) { record in GatewayEvent.message(GatewayEvent.messageStatus, record, tenantID: tenantID) }
        if !moved.isEmpty { environment.hub.published(id) }
        return moved
    }

    /// Logs an event that goes with no stored change (a QR code, a pairing code).
    private func log(_ event: NewEvent) async {
        do {
            try await store.appendEvent(event)
            environment.hub.published(id)
        } catch {
            logger.error("could not log an event", metadata: ["type": "\(event.type)", "error": "\(error)"])
        }
    }

    private func disconnected(_ reason: DisconnectReason) async {
        clearLinking()
        switch reason {
        case .stopped:
            break
        case .connectionLost, .serviceUnavailable, .keepaliveTimeout:
            await save(
                InstanceStatusChange(status: .reconnecting, error: ("connection_lost", reason.description)))
        case .qrCodesExpired, .pairingRejected, .replaced, .clientOutdated, .refused:
            // Terminal: the owner decides when to try again, also across our restarts.
            do { try await store.setDesiredState(id, .stopped) } catch {
                logger.error("could not save the desired state", metadata: ["error": "\(error)"])
            }
            await save(
                InstanceStatusChange(status: .failed, error: (Self.errorCode(reason), reason.description)))
        }
    }

    /// The stable code an instance's `lastError` carries for a terminal disconnect.
    static func errorCode(_ reason: DisconnectReason) -> String {
        switch reason {
        case .qrCodesExpired: "qr_expired"
        case .pairingRejected: "pairing_rejected"
        case .replaced: "replaced"
        case .clientOutdated: "client_outdated"
        case .refused: "refused"
        case .connectionLost, .serviceUnavailable, .keepaliveTimeout, .stopped: "connection_lost"
        }
    }
}
