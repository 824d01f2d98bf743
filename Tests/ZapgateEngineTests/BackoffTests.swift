import Testing

@testable import ZapgateEngine

@Suite struct BackoffTests {
    @Test func delaysDoubleWithJitterAndStayUnderTheCap() {
        for attempt in 0..<12 {
            let cap = min(Duration.seconds(1) * (1 << attempt), .seconds(60))
            for _ in 0..<20 {
                let delay = Backoff.delay(attempt: attempt, initial: .seconds(1), maximum: .seconds(60))
                #expect(delay >= cap / 2 && delay <= cap)
            }
        }
        #expect(Backoff.delay(attempt: 10_000, initial: .seconds(1), maximum: .seconds(60)) <= .seconds(60))
    }
}
