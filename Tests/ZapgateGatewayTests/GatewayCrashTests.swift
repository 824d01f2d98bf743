import Foundation
import Testing
import ZapgateStoreTestSupport
import ZapgateTestSupport

/// Issue 6's crash test: 20 cycles of `kill -9` during a mixed send/receive load, each followed
/// by a restart on the same data. Accepted, sent and received messages reconcile exactly, and
/// the instances come back connected every time without a new scan.
///
/// The gateway is the built `zapgate serve` as a child process; the simulator (WhatsApp and the
/// phones) lives in the test process, so it outlives every gateway.
@Suite("Gateway crash", .serialized)
struct GatewayCrashTests {
    static let cycles = 20
    static let messagesPerFlow = 8

    @Test(arguments: TestBackend.allCases)
    func killNineDuringLoadLosesAndDuplicatesNothing(_ backend: TestBackend) async throws {
        let seed = UInt64.random(in: .min ... .max)
        print("crash test on \(backend.rawValue): seed \(seed)")
        var generator = SeededGenerator(seed: seed)
        let started = ContinuousClock.now
        try await CrashRig.with(backend) { rig in
            try await rig.linkInstances()
            for cycle in 0..<Self.cycles {
                let schedule = CycleSchedule.draw(messagesPerFlow: Self.messagesPerFlow, using: &generator)
                try await rig.crashCycle(cycle, schedule)
            }
            let crashed = ContinuousClock.now
            let outcome = try await rig.drainAndReconcile()
            print(
                "crash test on \(backend.rawValue): \(Self.cycles) kill -9 cycles in \(crashed - started), "
                    + "drained and reconciled in \(ContinuousClock.now - crashed)\n\(outcome)")
        }
    }
}

extension CrashRig {
    /// Waits until nothing is queued and every accepted message has arrived, then checks that
    /// every flow matches exactly: each accepted message received once, nothing else received,
    /// each outbound one sent (not failed, not queued). Returns the counts.
    func drainAndReconcile() async throws -> String {
        let linked = try instances
        let expectedAB = await ledger.accepted(.instanceAToInstanceB)
        let expectedBC = await ledger.accepted(.instanceBToPhoneC)
        let sentCA = await ledger.phoneSent
        #expect(await ledger.unanswered().isEmpty)

        // Drained: nothing queued at either instance, and everything arrived somewhere.
        let deadline = ContinuousClock.now + .seconds(180)
        while true {
            let state = try await snapshot(linked)
            let queued = (state.outboundA + state.outboundB).filter { $0["status"] as? String == "queued" }
            let arrived =
                Set(expectedAB.map(\.id)).isSubset(of: state.inboundB.compactMap { $0["id"] as? String })
                && Set(expectedBC.map(\.id)).isSubset(of: state.phoneC.map(\.id))
                && Set(sentCA.map(\.id)).isSubset(of: state.inboundA.compactMap { $0["id"] as? String })
            if queued.isEmpty && arrived { break }
            guard ContinuousClock.now < deadline else {
                Issue.record("not drained after 180 s: \(queued.count) still queued")
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }

        let state = try await snapshot(linked)
        var lines: [String] = []
        // A→B: A's outbound rows are exactly the accepted ones, sent; B received each once.
        lines.append(
            try await reconcile(
                .instanceAToInstanceB, expected: expectedAB, outbound: state.outboundA,
                received: state.inboundB.map {
                    (id: $0["id"] as? String ?? "", text: $0["text"] as? String ?? "")
                }))
        // B→C: B's outbound rows are exactly the accepted ones, sent; phone C got each once.
        lines.append(
            try await reconcile(
                .instanceBToPhoneC, expected: expectedBC, outbound: state.outboundB,
                received: state.phoneC.map { (id: $0.id, text: $0.text) }))
        // C→A: instance A stored each text phone C sent once, and nothing else.
        let receivedCA = state.inboundA.map {
            (id: $0["id"] as? String ?? "", text: $0["text"] as? String ?? "")
        }
        Self.expectSame(received: receivedCA, expected: sentCA, flow: .phoneCToInstanceA)
        lines.append(
            "C→A: sent by the phone \(sentCA.count), received by instance A \(receivedCA.count) "
                + "(\(Set(receivedCA.map(\.id)).count) distinct)")
        let attempts = try await attemptCounts().sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        lines.append(
            "send attempts per outbound message (attempts: messages): \(attempts.joined(separator: ", "))")
        return lines.joined(separator: "\n")
    }

    private struct Snapshot {
        var outboundA: [[String: Any]]
        var outboundB: [[String: Any]]
        var inboundA: [[String: Any]]
        var inboundB: [[String: Any]]
        var phoneC: [(id: String, text: String)]
    }

    private func snapshot(_ linked: Linked) async throws -> Snapshot {
        let phoneC = try await simulator.phone(Self.phoneC).receivedMessages().filter { !$0.fromOwnDevice }
        return Snapshot(
            outboundA: try await client.allMessages(
                instance: linked.instanceA, key: linked.keyA, direction: "outbound"),
            outboundB: try await client.allMessages(
                instance: linked.instanceB, key: linked.keyB, direction: "outbound"),
            inboundA: try await client.allMessages(
                instance: linked.instanceA, key: linked.keyA, direction: "inbound"),
            inboundB: try await client.allMessages(
                instance: linked.instanceB, key: linked.keyB, direction: "inbound"),
            phoneC: phoneC.map { (id: $0.id, text: $0.message.text ?? "") })
    }

    /// Checks one API flow and describes its counts.
    private func reconcile(
        _ flow: MessageLedger.Flow, expected: [(id: String, text: String)], outbound: [[String: Any]],
        received: [(id: String, text: String)]
    ) async throws -> String {
        let requested = await ledger.requests.count { $0.flow == flow }
        #expect(expected.count == requested, "\(flow.rawValue): \(requested - expected.count) never accepted")
        #expect(Set(expected.map(\.id)).count == expected.count, "\(flow.rawValue): an id answered twice")

        // The sender's rows: one per accepted request, none other, each sent.
        let rows = outbound.map {
            (
                id: $0["id"] as? String ?? "", status: $0["status"] as? String ?? "",
                reason: $0["failureReason"] as? String
            )
        }
        #expect(
            rows.map(\.id).sorted() == expected.map(\.id).sorted(),
            "\(flow.rawValue): outbound rows differ from the accepted requests")
        let statuses = Dictionary(grouping: rows, by: \.status).mapValues(\.count)
        let notSent = rows.filter { !["sent", "delivered", "read"].contains($0.status) }
        #expect(notSent.isEmpty, "\(flow.rawValue): not sent: \(notSent.prefix(10))")
        if !notSent.isEmpty {
            let log = gatewayLog.split(separator: "\n").filter { line in
                notSent.contains { line.contains($0.id) }
            }
            print("what the gateways logged about them:\n" + log.joined(separator: "\n"))
        }
        Self.expectSame(received: received, expected: expected, flow: flow)
        let answered = await ledger.count(flow, .answered)
        let committed = await ledger.count(flow, .committedBeforeCrash)
        let retried = await ledger.count(flow, .acceptedOnRetry)
        return
            "\(flow.rawValue): requested \(requested), accepted \(expected.count) (answered \(answered), "
            + "queued before a crash and found by key \(committed), accepted on retry \(retried)); "
            + "sender's statuses \(statuses.sorted { $0.key < $1.key }); received \(received.count) "
            + "(\(Set(received.map(\.id)).count) distinct)"
    }

    /// The receiver got every expected message exactly once (by id and by text) and nothing else.
    private static func expectSame(
        received: [(id: String, text: String)], expected: [(id: String, text: String)],
        flow: MessageLedger.Flow
    ) {
        let receivedIDs = Dictionary(grouping: received.map(\.id), by: { $0 }).mapValues(\.count)
        let expectedIDs = Set(expected.map(\.id))
        let missing = expectedIDs.subtracting(receivedIDs.keys)
        let duplicated = receivedIDs.filter { $0.value > 1 }.keys
        let unexpected = Set(receivedIDs.keys).subtracting(expectedIDs)
        #expect(
            missing.isEmpty,
            "\(flow.rawValue): \(missing.count) never received: \(missing.sorted().prefix(10))")
        #expect(duplicated.isEmpty, "\(flow.rawValue): received twice: \(duplicated.sorted().prefix(10))")
        #expect(
            unexpected.isEmpty,
            "\(flow.rawValue): received but never accepted: \(unexpected.sorted().prefix(10))")
        let texts = Dictionary(grouping: received.map(\.text), by: { $0 }).filter { $0.value.count > 1 }
        #expect(
            texts.isEmpty, "\(flow.rawValue): a text arrived under two ids: \(texts.keys.sorted().prefix(10))"
        )
        let byID = Dictionary(expected.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
        let wrong = received.filter { message in byID[message.id].map { $0 != message.text } ?? false }
        #expect(wrong.isEmpty, "\(flow.rawValue): received with other text: \(wrong.prefix(5))")
    }
}
