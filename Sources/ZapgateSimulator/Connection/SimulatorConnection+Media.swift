import ZapgateProtocol
import ZapgateWire

extension SimulatorConnection {
    /// Answers `<media_conn/>` for a logged-in device: the simulator's current upload token
    /// and its own media server as the only host.
    func answerMediaConnection(_ iq: BinaryNode) async {
        guard case .device = role else {
            await send(iq.iqError(code: 401, text: "not-authorized", from: true))
            return
        }
        let media = configuration.media
        guard let host = await registry.media.host else {
            await send(iq.iqError(code: 503, text: "service-unavailable", from: true))
            return
        }
        let grant = await registry.media.grant(lifetime: media.tokenLifetime)
        let answer = MediaConnection(
            auth: grant.token, ttl: grant.secondsLeft, authTTL: grant.secondsLeft,
            maxBuckets: media.maximumBuckets,
            hosts: [.init(hostname: host, maximumContentLength: media.maximumBlobSize)])
        await send(iq.iqResult(children: [answer.node], from: true))
    }
}
