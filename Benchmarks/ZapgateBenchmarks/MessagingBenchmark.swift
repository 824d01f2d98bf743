import Foundation
import Synchronization
import ZapgateEngine
import ZapgateMessaging
import ZapgateProto
import ZapgateSimulator
import ZapgateWire

/// Messages per second end to end, engine to engine through the simulator over 127.0.0.1:
/// from the first send until the receiving engine has reported the last message.
enum MessagingBenchmark {
    static func run(count: Int) async throws {
        let running = try await BenchmarkSimulator.start()
        defer { running.server.cancel() }
        let sender = try await LinkedBenchmarkEngine.link(phone: "15550009001", on: running)
        let receiver = try await LinkedBenchmarkEngine.link(phone: "15550009002", on: running)
        defer {
            sender.run.cancel()
            receiver.run.cancel()
        }
        print("| benchmark | messages | seconds | messages/s |")
        print("|---|---:|---:|---:|")
        // Warm up: sessions with every device exist before the clock starts.
        try await sender.session.send(.text("warm-up"), to: receiver.account)
        try await receiver.waitFor(1)

        var start = ContinuousClock.now
        for index in 0..<count {
            try await sender.session.send(.text("message \(index)"), to: receiver.account)
        }
        try await receiver.waitFor(1 + count)
        row("1:1, one at a time (each send waits for the server's ack)", count, ContinuousClock.now - start)

        start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                if index >= 16 { try await group.next() }
                group.addTask {
                    try await sender.session.send(.text("pipelined \(index)"), to: receiver.account)
                }
            }
            try await group.waitForAll()
        }
        try await receiver.waitFor(1 + 2 * count)
        row("1:1, 16 sends in flight", count, ContinuousClock.now - start)

        // A 32-member group: the two engines' accounts and 30 more, each with its phone.
        let phone = try await running.simulator.phone("15550009001")
        var members = [receiver.account]
        for index in 0..<30 {
            let number = String(15_550_009_100 + index)
            _ = try await running.simulator.phone(number)
            members.append(JID(user: number, server: .phoneNumber))
        }
        let group = try await phone.createGroup(subject: "benchmark", members: members)
        try await sender.session.send(.text("group warm-up"), to: group)
        try await receiver.waitFor(2 + 2 * count)
        let groupCount = max(count / 4, 1)
        start = ContinuousClock.now
        for index in 0..<groupCount {
            try await sender.session.send(.text("group \(index)"), to: group)
        }
        try await receiver.waitFor(2 + 2 * count + groupCount)
        row("32-member group (64 devices), one at a time", groupCount, ContinuousClock.now - start)
        print(
            "\nThe simulator and its 32 phones run in the same process and decrypt every message they get;"
                + " their work is part of the time.")
    }

    private static func row(_ name: String, _ count: Int, _ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        print(
            "| \(name) | \(count) | \(String(format: "%.2f", seconds)) | \(String(format: "%.0f", Double(count) / seconds)) |"
        )
    }
}

/// An engine linked for a benchmark, counting the messages it receives.
struct LinkedBenchmarkEngine: Sendable {
    let session: DeviceSession
    let run: Task<Void, Never>
    let account: JID
    let received: MessageCounter

    static func link(phone number: String, on running: BenchmarkSimulator) async throws
        -> LinkedBenchmarkEngine
    {
        let session = DeviceSession(store: InMemoryDeviceStore(), configuration: running.configuration)
        let run = Task { await session.run() }
        let phone = try await running.simulator.phone(number)
        let counter = MessageCounter()
        let (connected, signal) = AsyncStream.makeStream(of: Void.self)
        Task {
            for await event in session.events {
                switch event {
                case .qr(let code, _): _ = try? await phone.scan(code)
                case .connected: signal.yield()
                case .message: counter.count.withLock { $0 += 1 }
                default: continue
                }
            }
        }
        var iterator = connected.makeAsyncIterator()
        guard await iterator.next() != nil else { throw BenchmarkError.notLinked }
        return LinkedBenchmarkEngine(
            session: session, run: run, account: JID(user: number, server: .phoneNumber), received: counter)
    }

    /// Waits until `count` messages have arrived (a minute at most).
    func waitFor(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while received.count.withLock({ $0 }) < count {
            guard ContinuousClock.now < deadline else {
                throw BenchmarkError.linkFailed("messages did not arrive")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// How many messages an engine has reported, shared with the task reading its events.
final class MessageCounter: Sendable {
    let count = Mutex(0)
}
