import Foundation
import Testing
import ZapgateEngine
import ZapgateMessaging
import ZapgateProto
import ZapgateSimulator
import ZapgateWire

/// Many messages, with the receiver restarted from its store in the middle.
@Suite(.serialized) struct MessageVolumeTests {
    @Test func tenThousandMessagesSurviveThreeReceiverRestartsInOrderAndOnce() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let sender = try await harness.linkEngine("15550004001")
        var receiver = try await harness.linkEngine("15550004002")
        let total = 10_000
        let restartsAt: Set<Int> = [2_500, 5_000, 7_500]
        var received: [IncomingMessage] = []
        for index in 0..<total {
            if restartsAt.contains(index) {
                // The receiver goes away mid-stream; what it had not acknowledged comes again.
                await receiver.stop()
                try await receiver.log.waitUntilFinished()
                received += await receiver.messages()
                receiver = try await harness.restartFromStore(receiver)
            }
            try await sender.session.send(.text("message \(index)"), to: receiver.account)
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if received.count + (await receiver.messages().count) >= total { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        received += await receiver.messages()
        let texts = received.compactMap { $0.message.text }
        let expected = (0..<total).map { "message \($0)" }
        #expect(received.count == total, "received \(received.count) of \(total)")
        #expect(Set(received.map(\.id)).count == received.count, "duplicates")
        let firstDifference = zip(texts, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDifference == nil, "out of order from position \(firstDifference ?? -1)")
        await sender.stop()
        await receiver.stop()
    }
}
