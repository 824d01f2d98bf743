import Foundation
import Testing

@testable import ZapgateGateway

/// The pieces of webhook delivery that need no server: the retry policy, target checks, the
/// signature, the wake signal.
@Suite struct WebhookPolicyTests {
    /// A host name is dialled at the address its check found, not resolved again: `localhost`
    /// resolves to 127.0.0.1 and ::1, where nothing listens on the receiver's port, and the
    /// request still reaches the receiver on 127.0.0.2 that the check named.
    @Test func aNameIsDialledAtTheAddressItsCheckFound() async throws {
        let receiver = WebhookReceiver(host: "127.0.0.2")
        try await receiver.start()
        let client = WebhookSender.makeClient()
        var sender = WebhookSender(client: client, timeout: .seconds(30), allowPrivateTargets: false)
        sender.check = { host in
            host == "localhost" ? .allowed(address: IPAddress("127.0.0.2")) : .refused("not \(host)")
        }
        let secret = WebhookSecret.generate()
        receiver.use(secret: secret.text)
        let url = "http://localhost:\(receiver.port)/hook"
        func send(_ sender: WebhookSender) async -> WebhookSender.Result {
            await sender.send(
                "{}", eventID: "e:1", eventType: "webhook.test", attempt: 1, to: url, secret: secret)
        }
        let sent = await send(sender)
        #expect(sent.statusCode == 200, "\(sent.error ?? "")")
        #expect(receiver.requests.count == 1 && receiver.requests.first?.signatureValid == true)
        #expect(await send(sender).statusCode == 200, "the pinned client is used again")

        sender.check = { _ in .refused("refused: a private address") }
        let refused = await send(sender)
        #expect(refused.refused && refused.statusCode == nil && refused.error == "refused: a private address")
        sender.check = { _ in .unresolved("could not resolve localhost") }
        let unresolved = await send(sender)
        #expect(!unresolved.refused && unresolved.error == "could not resolve localhost")
        #expect(receiver.requests.count == 2, "neither was sent")
        await sender.pinned.shutDown()
        try await client.shutdown()
        await receiver.stop()
    }

    /// A refused connection reads the same in the delivery log whether the URL names an
    /// address or a host name (which the client dials address by address).
    @Test func aRefusedConnectionIsSaidPlainly() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        let port = receiver.port
        await receiver.stop()
        let client = WebhookSender.makeClient()
        let sender = WebhookSender(client: client, timeout: .seconds(30), allowPrivateTargets: true)
        let secret = WebhookSecret.generate()
        for url in ["http://127.0.0.1:\(port)/hook", "http://localhost:\(port)/hook"] {
            let result = await sender.send(
                "{}", eventID: "e:1", eventType: "webhook.test", attempt: 1, to: url, secret: secret)
            #expect(result.error == "connection refused", "\(url)")
        }
        try await client.shutdown()
    }

    /// Media URLs are checked like webhooks, at every redirect, and a name is fetched from the
    /// address its check found.
    @Test func mediaURLsAndTheirRedirectsAreChecked() async throws {
        let server = WebhookReceiver()
        try await server.start()
        let client = MediaFetcher.makeClient()
        var fetcher = MediaFetcher(
            client: client, maximumSize: 1024, timeout: .seconds(30), allowPrivateTargets: false)
        fetcher.check = { host in
            host == "localhost" ? .allowed(address: IPAddress("127.0.0.1")) : .refused("refused: \(host)")
        }
        let base = "http://localhost:\(server.port)"
        let fetched = try await fetcher.fetch("\(base)/file")
        #expect(fetched.data == Data("png".utf8) && fetched.mimetype == "image/png")
        let inside = "http://127.0.0.1:\(server.port)/file"
        await #expect(throws: MediaFetcher.FetchError.refused("refused: 127.0.0.1")) {
            try await fetcher.fetch("\(base)/redirect?to=\(inside)")
        }
        await #expect(throws: MediaFetcher.FetchError.refused("refused: 127.0.0.1")) {
            try await fetcher.fetch(inside)
        }
        // Allowed private targets: redirects are followed, within the limit.
        fetcher.allowPrivateTargets = true
        #expect(
            try await fetcher.fetch("http://127.0.0.1:\(server.port)/redirect?to=/file").data
                == Data("png".utf8))
        await #expect(throws: MediaFetcher.FetchError.transport("more than 5 redirects")) {
            try await fetcher.fetch("http://127.0.0.1:\(server.port)/redirect")
        }
        await fetcher.pinned.shutDown()
        try await client.shutdown()
        await server.stop()
    }

    /// The check itself, on hosts that need no lookup.
    @Test func theTargetCheckRefusesWhatIsNotPublic() async {
        for host in ["127.0.0.1", "10.1.2.3", "localhost", "printer.local", "::1", "[fd00::1]", "127.1"] {
            guard case .refused = await OutboundTarget.check(host) else {
                Issue.record("\(host) was not refused")
                continue
            }
        }
        #expect(await OutboundTarget.check("8.8.8.8") == .allowed(address: nil))
        #expect(await OutboundTarget.check("2001:4860:4860::8888") == .allowed(address: nil))
    }

    @Test func backoffGrowsWithJitterAndParksAtTheHorizon() {
        let settings = WebhookSettings(
            initialBackoff: .seconds(5), maximumBackoff: .seconds(60), horizon: .seconds(3600))
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(
            settings.outcome(statusCode: 204, roundAttempts: 1, roundStartedAt: start, now: start)
                == .delivered)
        #expect(
            settings.outcome(statusCode: 410, roundAttempts: 1, roundStartedAt: start, now: start) == .parked)
        for (attempt, ceiling) in [(1, 5.0), (2, 10.0), (3, 20.0), (4, 40.0), (5, 60.0), (12, 60.0)] {
            for _ in 0..<20 {
                guard
                    case .retry(let at) = settings.outcome(
                        statusCode: 503, roundAttempts: attempt, roundStartedAt: start, now: start)
                else {
                    Issue.record("attempt \(attempt) was not retried")
                    return
                }
                let wait = at.timeIntervalSince(start)
                #expect(wait >= ceiling / 2 && wait <= ceiling, "attempt \(attempt): waits \(wait) s")
            }
        }
        // Near the horizon the last try is at the horizon; past it, the delivery is parked.
        let late = start.addingTimeInterval(3590)
        #expect(
            settings.outcome(statusCode: nil, roundAttempts: 30, roundStartedAt: start, now: late)
                == .retry(at: start.addingTimeInterval(3600)))
        #expect(
            settings.outcome(
                statusCode: nil, roundAttempts: 31, roundStartedAt: start, now: start.addingTimeInterval(3600)
            )
                == .parked)
    }

    @Test func addressesAreClassified() {
        for address in ["8.8.8.8", "1.1.1.1", "2a00:1450:4001::200e", "::ffff:8.8.8.8"] {
            #expect(IPAddress(address)?.isPublic == true, "\(address)")
        }
        for address in [
            "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.1.1", "0.0.0.0",
            "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd12::1", "ff02::1", "::ffff:10.0.0.1",
            "::127.0.0.1", "2001:db8::1", "64:ff9b::a00:1",
        ] {
            #expect(IPAddress(address)?.isPublic == false, "\(address)")
        }
        #expect(WebhookTarget.refusal("hooks.example.com") == nil)
        #expect(WebhookTarget.refusal("cafe.be") == nil)
        for host in ["2130706433", "127.1", "0x7f.0.0.1", "0", "localhost.", "LOCALHOST", "printer.local"] {
            #expect(WebhookTarget.refusal(host) != nil, "\(host)")
        }
    }

    /// Known answer: the Standard Webhooks signature of a fixed id, time, body and key.
    @Test func signatureMatchesTheStandardWebhooksScheme() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", field: "/secret")
        let body = Data(#"{"test": 2432232314}"#.utf8)
        #expect(
            secret.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    /// A ring wakes one wait; the wait after it blocks again until its own ring or timeout.
    @Test func theWakeSignalDoesNotRingItself() async {
        let signal = WakeSignal()
        signal.ring()
        let clock = ContinuousClock()
        let first = clock.now
        // Generous: on a loaded machine the test process itself may be starved for seconds;
        // only a wait that ran to its full minute would mean the ring was lost.
        await signal.wait(upTo: .seconds(60))
        #expect(clock.now - first < .seconds(30), "the pending ring woke it")
        let second = clock.now
        await signal.wait(upTo: .milliseconds(300))
        #expect(clock.now - second >= .milliseconds(250), "nothing rang, so it waited")
        let third = clock.now
        await signal.wait(upTo: .milliseconds(300))
        #expect(
            clock.now - third >= .milliseconds(250), "the timer of the last wait did not ring for this one")
    }
}
