import Foundation
import Testing

@testable import ZapgateGateway

/// The pieces of webhook delivery that need no server: the retry policy, target checks, the
/// signature, the wake signal.
@Suite struct WebhookPolicyTests {
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
