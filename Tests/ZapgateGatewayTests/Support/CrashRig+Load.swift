import Foundation
import ZapgateSimulator
import ZapgateTestSupport

/// When, within one crash cycle, each message goes and the gateway is killed; drawn from a
/// seeded generator so a failing run can be replayed.
struct CycleSchedule: Sendable {
    /// How long after the load starts the gateway gets SIGKILL.
    var killAfter: Duration
    /// The pause before each message, per flow.
    var gaps: [MessageLedger.Flow: [Duration]]

    static func draw(messagesPerFlow: Int, using generator: inout SeededGenerator) -> CycleSchedule {
        var gaps: [MessageLedger.Flow: [Duration]] = [:]
        for flow in MessageLedger.Flow.allCases {
            gaps[flow] = (0..<messagesPerFlow).map { _ in
                .milliseconds(Int.random(in: 20...150, using: &generator))
            }
        }
        return CycleSchedule(
            killAfter: .milliseconds(Int.random(in: 200...1_500, using: &generator)), gaps: gaps)
    }
}

extension CrashRig {
    /// One cycle: texts A→B and B→C through the API and C→A from the phone, all at once, paced
    /// by `schedule`, while the gateway is killed part-way; then the gateway is started again,
    /// must come back without a scan, the requests left unanswered are repeated with their
    /// Idempotency-Keys, and the send queues drain before the next cycle.
    ///
    /// Why drain: the gateway counts a send attempt before each try, crashes included (it
    /// fails a message at its hundredth, docs/gateway.md). On a loaded machine the first send
    /// after a restart can take seconds (the session answers its device query only after
    /// reading the offline backlog), longer than the next kill leaves it; draining keeps each
    /// cycle's kill landing on fresh load and the whole test bounded in time.
    func crashCycle(_ cycle: Int, _ schedule: CycleSchedule) async throws {
        let linked = try instances
        async let aToB: Void = apiFlow(
            cycle, .instanceAToInstanceB, key: linked.keyA, instance: linked.instanceA, to: Self.phoneB,
            gaps: schedule.gaps[.instanceAToInstanceB] ?? [])
        async let bToC: Void = apiFlow(
            cycle, .instanceBToPhoneC, key: linked.keyB, instance: linked.instanceB, to: Self.phoneC,
            gaps: schedule.gaps[.instanceBToPhoneC] ?? [])
        async let cToA: Void = phoneFlow(cycle, gaps: schedule.gaps[.phoneCToInstanceA] ?? [])
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: schedule.killAfter)
        await crashGateway()
        let killed = clock.now
        _ = try await (aToB, bToC, cToA)
        let loaded = clock.now
        try await startGateway()
        let listening = clock.now
        try await waitUntilBackUp()
        let back = clock.now
        try await retryUnanswered()
        let retried = clock.now
        try await waitUntilDrained()
        print(
            "cycle \(cycle): killed after \(killed - start), load ended \(loaded - start), "
                + "listening after \(listening - loaded), connected after \(back - listening), "
                + "retried in \(retried - back), drained in \(clock.now - retried)")
    }

    /// Waits until neither instance has a queued outbound message.
    func waitUntilDrained(timeout: Duration = .seconds(120)) async throws {
        let linked = try instances
        let deadline = ContinuousClock.now + timeout
        while true {
            var queued = 0
            for (id, key) in [(linked.instanceA, linked.keyA), (linked.instanceB, linked.keyB)] {
                let outbound = try await client.allMessages(instance: id, key: key, direction: "outbound")
                queued += outbound.count { $0["status"] as? String == "queued" }
            }
            if queued == 0 { return }
            guard ContinuousClock.now < deadline else {
                throw GatewayHarness.WaitTimeout(
                    what: "the send queues drained (\(queued) queued)", last: 200)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Sends texts through the API; a request the gateway does not answer (it was killed) is
    /// left for ``retryUnanswered()``.
    private func apiFlow(
        _ cycle: Int, _ flow: MessageLedger.Flow, key: String, instance: String, to number: String,
        gaps: [Duration]
    ) async throws {
        for (index, gap) in gaps.enumerated() {
            try await Task.sleep(for: gap)
            let text = "\(flow.rawValue) cycle \(cycle) #\(index)"
            let idempotencyKey = "crash-\(flow == .instanceAToInstanceB ? "ab" : "bc")-\(cycle)-\(index)"
            let entry = await ledger.request(flow, key: idempotencyKey, text: text)
            guard
                let answer = try? await client.call(
                    .POST, "/v1/instances/\(instance)/messages", key: key,
                    json: ["to": number, "type": "text", "text": text],
                    headers: ["Idempotency-Key": idempotencyKey])
            else { continue }
            guard answer.status == 202, let id = answer.json["id"] as? String else {
                throw UnexpectedAnswer(what: "send \(text)", answer: answer)
            }
            await ledger.accepted(entry, id: id, .answered)
        }
    }

    /// Phone C texts account A (whose only companion is instance A), gateway up or not.
    private func phoneFlow(_ cycle: Int, gaps: [Duration]) async throws {
        let phone = try await simulator.phone(Self.phoneC)
        let to = try await simulator.phone(Self.phoneA).jid
        for (index, gap) in gaps.enumerated() {
            try await Task.sleep(for: gap)
            let text = "\(MessageLedger.Flow.phoneCToInstanceA.rawValue) cycle \(cycle) #\(index)"
            let id = try await phone.send(.text(text), to: to)
            await ledger.phoneSent(id: id, text: text)
        }
    }

    /// Repeats every unanswered request with its Idempotency-Key until the gateway answers:
    /// 200 means the first request had been queued before the crash (and the answer must be
    /// that message), 202 that it had not.
    func retryUnanswered() async throws {
        let linked = try instances
        for (entry, request) in await ledger.unanswered() {
            let (key, instance, number) =
                request.flow == .instanceAToInstanceB
                ? (linked.keyA, linked.instanceA, Self.phoneB) : (linked.keyB, linked.instanceB, Self.phoneC)
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                if let answer = try? await client.call(
                    .POST, "/v1/instances/\(instance)/messages", key: key,
                    json: ["to": number, "type": "text", "text": request.text],
                    headers: ["Idempotency-Key": request.idempotencyKey])
                {
                    guard [200, 202].contains(answer.status), let id = answer.json["id"] as? String,
                        answer.json["text"] as? String == request.text
                    else { throw UnexpectedAnswer(what: "repeat \(request.text)", answer: answer) }
                    await ledger.accepted(
                        entry, id: id, answer.status == 200 ? .committedBeforeCrash : .acceptedOnRetry)
                    break
                }
                guard ContinuousClock.now < deadline else {
                    throw GatewayHarness.WaitTimeout(what: "an answer to \(request.text)", last: 0)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
