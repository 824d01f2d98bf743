import Foundation
import Testing
import ZapgateEngine
import ZapgateSimulator

@Suite struct ConcurrentLinkingTests {
    /// 200 devices link at once against one simulator, each by its own phone, and all of them
    /// end up logged in with their first 812 prekeys on the server.
    @Test(.timeLimit(.minutes(5))) func twoHundredDevicesLinkConcurrently() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let count = 200
        let started = ContinuousClock.now
        let runs = try await withThrowingTaskGroup(of: Task<Void, Never>.self) { group in
            for index in 0..<count {
                group.addTask {
                    let linked = try await LinkingTests.linkByQR(
                        harness, phone: "1555200\(String(format: "%04d", index))", within: .seconds(240),
                        fastKeepalive: false)
                    return linked.run
                }
            }
            var runs: [Task<Void, Never>] = []
            for try await run in group { runs.append(run) }
            return runs
        }
        let elapsed = ContinuousClock.now - started
        #expect(runs.count == count)
        try await eventually("every device online with its prekeys", within: .seconds(120)) {
            let devices = await harness.simulator.devices()
            return devices.count == count && devices.allSatisfy { $0.isOnline && $0.preKeyCount == 812 }
        }
        #expect(await harness.simulator.onlineCount() == count)
        print("200 devices linked and connected in \(elapsed)")
        for run in runs { run.cancel() }
        for run in runs { await run.value }
    }
}
