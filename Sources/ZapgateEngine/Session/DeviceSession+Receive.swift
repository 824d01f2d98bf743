import Foundation
import ZapgateProtocol
import ZapgateWire

extension DeviceSession {
    /// Routes one incoming stanza. Anything slow runs as a job so the reader keeps reading
    /// (an `<iq>` answer the job waits for arrives through this same reader).
    func receive(_ node: BinaryNode) async {
        switch node.tag {
        case "iq":
            await receiveIQ(node)
        case "success":
            await loginSucceeded(node)
        case "failure":
            let reason = ConnectFailure(rawValue: (try? node.optionalInteger("reason", as: Int.self)) ?? 0)
            await finish(Self.end(for: reason))
        case "stream:error":
            // After a confirmed logout the server's parting error changes nothing.
            await finish(link?.closeMeans ?? Self.end(for: StreamError(node: node)))
        case "xmlstreamend":
            await finish(.transient(.connectionLost("the server ended the stream")))
        case "notification":
            await receiveNotification(node)
        case "ack":
            if let id = try? node.optionalString("id") { resolveIQ(id: id, with: .success(node)) }
        case "ib":
            // Offline-queue markers and routing hints; nothing to answer.
            logger.trace("ib", metadata: ["children": "\(node.children.map(\.tag))"])
        case "message":
            await receiveMessage(node)
        case "receipt":
            await receiveReceipt(node)
        case "call":
            try? await send(node.acknowledgement())
        default:
            logger.debug("unhandled stanza", metadata: ["tag": "\(node.tag)"])
        }
    }

    private func receiveIQ(_ node: BinaryNode) async {
        let type = (try? node.optionalString("type")) ?? nil
        if type == "result" || type == "error" {
            guard let id = try? node.optionalString("id") else { return }
            if type == "result", let means = closeMeansOnSuccess.removeValue(forKey: id) {
                link?.closeMeans = means
            }
            resolveIQ(id: id, with: .success(node))
            return
        }
        if node.child("pair-device") != nil {
            await pairDeviceReceived(node)
        } else if node.child("pair-success") != nil {
            startJob { [weak self] in await self?.pairSuccessReceived(node) }
        } else if (try? node.optionalString("xmlns")) == "w:p" {
            try? await send(node.iqResult(from: false))
        } else {
            try? await send(node.iqError(code: 501, text: "feature-not-implemented", from: false))
        }
    }

    private func receiveNotification(_ node: BinaryNode) async {
        try? await send(node.acknowledgement())
        switch (try? node.optionalString("type")) ?? nil {
        case "encrypt" where node.child("count") != nil:
            startJob { [weak self] in await self?.topUpPreKeys() }
        case "link_code_companion_reg":
            startJob { [weak self] in await self?.pairingCodeEntered(node) }
        case "devices":
            // Someone's device list changed: forget it, the next send asks again.
            directoryGeneration += 1
            for key in ["lid", "from"] {
                if let user = (try? node.optionalJID(key)) ?? nil {
                    let lid =
                        user.server == .lid
                        ? user.user : (try? await store.lid(forPhoneNumber: user.user)) ?? nil
                    if let lid { deviceCache[lid] = nil }
                }
            }
        case "w:gp2":
            directoryGeneration += 1
            if let group = (try? node.optionalJID("from")) ?? nil { groupCache[group.user] = nil }
        default:
            break
        }
    }

    static func end(for failure: ConnectFailure) -> ConnectionEnd {
        if failure.meansLoggedOut { return .loggedOut(.loginRefused(code: failure.rawValue)) }
        if failure.isTransient { return .transient(.serviceUnavailable) }
        if failure == .clientOutdated { return .terminal(.clientOutdated) }
        return .terminal(.refused(code: failure.rawValue))
    }

    static func end(for error: StreamError) -> ConnectionEnd {
        switch error {
        case .restartRequired: .restart
        case .deviceRemoved: .loggedOut(.deviceRemoved)
        case .replaced: .terminal(.replaced)
        case .serviceUnavailable: .transient(.serviceUnavailable)
        case .other(let code, let conflict):
            .transient(.connectionLost("stream error \(code ?? "-") \(conflict ?? "")"))
        }
    }
}
