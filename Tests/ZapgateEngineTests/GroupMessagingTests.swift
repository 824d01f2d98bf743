import Foundation
import Testing
import ZapgateEngine
import ZapgateMessaging
import ZapgateProto
import ZapgateSimulator
import ZapgateWire

/// Groups through the simulator: three accounts, each with its phone and one engine.
@Suite(.serialized) struct GroupMessagingTests {
    @Test func everyDeviceOfEveryMemberGetsEveryMessageOnce() async throws {
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let numbers = ["15550003001", "15550003002", "15550003003"]
        var engines: [LinkedEngine] = []
        for number in numbers { engines.append(try await harness.linkEngine(number)) }
        var phones: [SimulatedPhone] = []
        for number in numbers { phones.append(try await harness.simulator.phone(number)) }
        let group = try await phones[0].createGroup(
            subject: "three", members: numbers.dropFirst().map { JID(user: $0, server: .phoneNumber) })

        // Engines and phones take turns; the second round reuses the sender keys.
        var sent: [(id: String, sender: String)] = []
        for round in 0..<2 {
            for (index, engine) in engines.enumerated() {
                let message = try await engine.session.send(
                    .text("engine \(index) round \(round)"), to: group)
                sent.append((message.id, numbers[index]))
            }
            let id = try await phones[2].send(.text("phone 2 round \(round)"), to: group)
            sent.append((id, numbers[2]))
        }
        for (index, engine) in engines.enumerated() {
            let ownEngineMessages = Set(
                await engine.log.events.compactMap { event -> String? in
                    if case .messageStatus(let update) = event, update.status == .sent {
                        return update.ids.first
                    }
                    return nil
                })
            let wanted = sent.map(\.id).filter { !ownEngineMessages.contains($0) }
            try await engine.waitForMessages(wanted.count, "group messages on engine \(index)") { message in
                wanted.contains(message.id)
            }
            let got = await engine.messages().filter { wanted.contains($0.id) }
            #expect(got.count == wanted.count, "engine \(index) got \(got.count) of \(wanted.count)")
            #expect(Set(got.map(\.id)).count == got.count)
            #expect(got.allSatisfy { $0.chat == group })
        }
        for (index, phone) in phones.enumerated() {
            let phoneSent = index == 2 ? Set(sent.filter { $0.sender == numbers[2] }.map(\.id)) : []
            let wanted = sent.map(\.id).filter { !phoneSent.contains($0) }
            let got = try await waitForPhoneMessages(phone, wanted.count, "group messages on phone \(index)")
            {
                wanted.contains($0.id)
            }
            #expect(got.count == wanted.count)
            #expect(got.allSatisfy { $0.chat == group })
        }
        for engine in engines { await engine.stop() }
    }
}
