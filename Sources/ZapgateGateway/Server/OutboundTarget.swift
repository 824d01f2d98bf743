import Foundation

/// Where the gateway may connect on a tenant's behalf (webhooks, media URLs): unless private
/// targets are allowed, a host must be a public address, or a name whose addresses are all
/// public. A name is then dialled at the address that was checked (see ``PinnedClients``), so
/// its answer cannot change in between.
enum OutboundTarget {
    /// What the check of a host found.
    enum Check: Sendable, Equatable {
        /// It may not be dialled, for this reason.
        case refused(String)
        /// Its name did not resolve (worth trying again later).
        case unresolved(String)
        /// It may be dialled; a name is connected to `address` only (nil for an address).
        case allowed(address: IPAddress?)
    }

    /// Checks `host` now: a URL was checked when it was given, but names resolve anew.
    static func check(_ host: String) async -> Check {
        if let why = WebhookTarget.refusal(host) { return .refused("refused: \(why)") }
        if IPAddress(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) != nil {
            return .allowed(address: nil)
        }
        let addresses: [IPAddress]
        do { addresses = try await HostResolver.addresses(of: host) } catch {
            return .unresolved("\(error)")
        }
        if let inside = addresses.first(where: { !$0.isPublic }) {
            return .refused("refused: \(host) resolves to \(inside), a loopback, private or reserved address")
        }
        guard let first = addresses.first else { return .unresolved("\(host) has no address") }
        return .allowed(address: first)
    }

}
