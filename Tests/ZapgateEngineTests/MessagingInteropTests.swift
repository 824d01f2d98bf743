import Foundation
import Testing
import ZapgateEngine
import ZapgateMessaging
import ZapgateSimulator
import ZapgateTestSupport
import ZapgateWire

/// Messages between our engine and a companion we did not write (Oracles/companion_oracle.py
/// with --commands: python-axolotl sessions and sender keys, hand-made protobufs, whatsmeow's
/// addressing), each linked to its own account of the simulator. These fail, not skip, when the
/// venv is missing.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MessagingInteropTests {
    /// The oracle on one account, our engine on another, and both accounts' phones.
    struct Pair: Sendable {
        let harness: SimulatorHarness
        let oracle: MessagingCompanion
        let engine: LinkedEngine
        let oraclePhone: SimulatedPhone
        let enginePhone: SimulatedPhone

        /// Stops both clients and the simulator; returns the oracle's exit status.
        func stop() async -> Int32? {
            let status = await oracle.stop()
            await engine.stop()
            await harness.stop()
            return status
        }
    }

    static func linkedPair(oracle oracleNumber: String, engine engineNumber: String) async throws -> Pair {
        let harness = try await SimulatorHarness.started()
        let oraclePhone = try await harness.simulator.phone(oracleNumber)
        let enginePhone = try await harness.simulator.phone(engineNumber)
        let oracle = try await MessagingCompanion.link(harness, phone: oraclePhone)
        let engine = try await harness.linkEngine(engineNumber)
        return Pair(
            harness: harness, oracle: oracle, engine: engine, oraclePhone: oraclePhone,
            enginePhone: enginePhone)
    }

    @Test func aTextFromTheOracleReachesTheEngineOnce() async throws {
        let pair = try await Self.linkedPair(oracle: "15550004101", engine: "15550004102")
        defer { Task { _ = await pair.stop() } }
        let engineDevice = pair.engine.device.lid
        let engineAccountLID = engineDevice.withoutDevice
        let oracleAccountLID = pair.oracle.device.lid.withoutDevice

        let sent = try await pair.oracle.send("hello from python-axolotl", to: pair.engine.account)
        let id = try #require(sent.string("id"))
        // whatsmeow's addressing: to the LID, every device of both accounts but the sender,
        // a prekey message for each new session.
        #expect(sent.string("to") == engineAccountLID.description)
        let expected = [engineAccountLID.description, engineDevice.description, oracleAccountLID.description]
        #expect(Set(sent.strings("devices")) == Set(expected))
        #expect(Set(sent.strings("pkmsg")) == Set(expected))

        let got = try await pair.engine.waitForMessages(1, "the oracle's text") { $0.id == id }
        #expect(got.first?.message.text == "hello from python-axolotl")
        #expect(got.first?.kind == .text)
        #expect(got.first?.chat == pair.oracle.account)
        #expect(got.first?.sender == pair.oracle.device.lid)
        #expect(got.first?.senderPhoneNumber == pair.oracle.account)
        #expect(got.first?.fromMe == false)
        // The phones decrypt their copies too: the engine account's, and the oracle's own
        // device-sent copy.
        let phoneCopy = try await waitForPhoneMessages(pair.enginePhone, 1, "the engine phone's copy") {
            $0.id == id
        }
        #expect(phoneCopy.first?.message.text == "hello from python-axolotl")
        let ownCopy = try await waitForPhoneMessages(pair.oraclePhone, 1, "the oracle phone's copy") {
            $0.id == id
        }
        #expect(
            ownCopy.first?.fromOwnDevice == true && ownCopy.first?.message.text == "hello from python-axolotl"
        )

        // The engine's delivery receipt comes back to the oracle from the engine's device.
        let receipt = try await pair.oracle.next("receipt") {
            $0.strings("ids").contains(id) && $0.string("from") == engineDevice.description
        }
        #expect(receipt.string("type") == nil)
        try await Task.sleep(for: .milliseconds(500))
        #expect(await pair.engine.messages().filter { $0.id == id }.count == 1)
        #expect(pair.oracle.problems.isEmpty, "\(pair.oracle.problems)")
        #expect(await pair.stop() == 0)
    }

    @Test func aTextFromTheEngineReachesTheOracleAndIsDelivered() async throws {
        let pair = try await Self.linkedPair(oracle: "15550004111", engine: "15550004112")
        defer { Task { _ = await pair.stop() } }
        let oracleDevice = pair.oracle.device.lid

        let sent = try await pair.engine.session.send(.text("hello from zapgate"), to: pair.oracle.account)
        let message = try await pair.oracle.next("message") { $0.string("id") == sent.id }
        #expect(message.string("text") == "hello from zapgate")
        #expect(message.string("sender") == pair.engine.device.lid.description)
        #expect(message.string("chat") == pair.engine.device.lid.withoutDevice.description)
        #expect(message.string("sender_pn") == pair.engine.account.description)
        #expect(message.bool("from_me") == false)
        #expect(message.strings("enc") == ["pkmsg"])
        #expect(message.bool("device_identity") == true)
        #expect(message.string("raw") == "0a12" + Data("hello from zapgate".utf8).hex)

        // The oracle's receipt is the engine's delivered status, from the oracle's device.
        _ = try await pair.engine.log.first(within: .seconds(30), "delivered by the oracle") { event in
            guard case .messageStatus(let update) = event else { return false }
            return update.ids.contains(sent.id) && update.status == .delivered
                && update.device == oracleDevice
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(pair.oracle.messages(id: sent.id).count == 1)
        #expect(pair.oracle.problems.isEmpty, "\(pair.oracle.problems)")
        #expect(await pair.stop() == 0)
    }

    @Test func severalTextsEachWayArriveInOrderAndTheSessionsSettle() async throws {
        let pair = try await Self.linkedPair(oracle: "15550004121", engine: "15550004122")
        defer { Task { _ = await pair.stop() } }
        let engineDevice = pair.engine.device.lid
        let oracleDevice = pair.oracle.device.lid
        var fromOracle: [String] = []
        var fromEngine: [String] = []
        var oracleSends: [CompanionEvent] = []
        for round in 0..<4 {
            let sent = try await pair.oracle.send("oracle \(round)", to: pair.engine.account)
            oracleSends.append(sent)
            let id = try #require(sent.string("id"))
            fromOracle.append(id)
            // Waiting for each message keeps the two directions interleaved, as a chat is.
            try await pair.engine.waitForMessages(1, "oracle \(round)") { $0.id == id }
            fromEngine.append(
                try await pair.engine.session.send(.text("engine \(round)"), to: pair.oracle.account).id)
            try await pair.oracle.next("message") { $0.string("id") == fromEngine[round] }
        }

        let onEngine = await pair.engine.messages().filter { fromOracle.contains($0.id) }
        #expect(onEngine.map(\.id) == fromOracle)
        #expect(onEngine.map(\.message.text) == (0..<4).map { "oracle \($0)" })
        let onOracle = pair.oracle.events("message").filter { fromEngine.contains($0.string("id") ?? "") }
        #expect(onOracle.map { $0.string("id") ?? "" } == fromEngine)
        #expect(onOracle.map { $0.string("text") ?? "" } == (0..<4).map { "engine \($0)" })
        // Once the engine has answered, the oracle's session with the engine's device is
        // acknowledged: later messages to that device are plain `msg`.
        #expect(oracleSends.first?.strings("pkmsg").contains(engineDevice.description) == true)
        for sent in oracleSends.dropFirst() {
            #expect(!sent.strings("pkmsg").contains(engineDevice.description), "\(sent)")
        }
        #expect(onOracle.dropFirst().allSatisfy { $0.strings("enc") == ["msg"] }, "\(onOracle)")

        // Every message is delivered once and reported delivered from the other client.
        for id in fromEngine {
            _ = try await pair.engine.log.first(within: .seconds(30), "delivered \(id)") { event in
                guard case .messageStatus(let update) = event else { return false }
                return update.ids.contains(id) && update.status == .delivered && update.device == oracleDevice
            }
        }
        for id in fromOracle {
            try await pair.oracle.next("receipt") {
                $0.strings("ids").contains(id) && $0.string("from") == engineDevice.description
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(await pair.engine.messages().filter { fromOracle.contains($0.id) }.count == fromOracle.count)
        #expect(
            pair.oracle.events("message").filter { fromEngine.contains($0.string("id") ?? "") }.count == 4)
        #expect(pair.oracle.problems.isEmpty, "\(pair.oracle.problems)")
        #expect(await pair.stop() == 0)
    }

    @Test func textsSentWhileTheOracleIsAwayArriveWhenItLogsInAgain() async throws {
        let state = FileManager.default.temporaryDirectory
            .appendingPathComponent("messaging-companion-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let harness = try await SimulatorHarness.started()
        defer { Task { await harness.stop() } }
        let oraclePhone = try await harness.simulator.phone("15550004141")
        let first = try await MessagingCompanion.link(harness, phone: oraclePhone, state: state)
        let engine = try await harness.linkEngine("15550004142")
        defer { Task { await engine.stop() } }
        #expect(await first.stop() == 0)
        let oracleJID = first.device.jid
        try await eventually("the oracle is offline") {
            await harness.simulator.device(oracleJID)?.isOnline == false
        }

        // The engine's first message needs one of the prekeys the oracle uploaded before it
        // left, whose private half only its state file has.
        var ids: [String] = []
        for round in 0..<3 {
            ids.append(
                try await engine.session.send(
                    .text("while away \(round)"), to: first.device.jid.withoutDevice
                ).id)
        }
        let again = try await MessagingCompanion.login(harness, device: first.device, state: state)
        defer { Task { _ = await again.stop() } }
        for id in ids { try await again.next("message") { $0.string("id") == id } }
        let got = again.events("message").filter { ids.contains($0.string("id") ?? "") }
        #expect(got.map { $0.string("id") ?? "" } == ids)
        #expect(got.map { $0.string("text") ?? "" } == (0..<3).map { "while away \($0)" })
        #expect(got.allSatisfy { $0.bool("offline") == true })
        #expect(got.first?.strings("enc") == ["pkmsg"])
        for id in ids {
            _ = try await engine.log.first(within: .seconds(30), "delivered \(id)") { event in
                guard case .messageStatus(let update) = event else { return false }
                return update.ids.contains(id) && update.status == .delivered
                    && update.device == first.device.lid
            }
        }
        // Back online, it answers on the session the engine started.
        let answer = try await again.send("back again", to: engine.account)
        #expect(!answer.strings("pkmsg").contains(engine.device.lid.description))
        let reply = try await engine.waitForMessages(1, "the answer") { $0.id == answer.string("id") }
        #expect(reply.first?.message.text == "back again")
        #expect(again.problems.isEmpty, "\(again.problems)")
        #expect(await again.stop() == 0)
    }

    @Test func groupTextsBothWaysThroughSenderKeys() async throws {
        let pair = try await Self.linkedPair(oracle: "15550004131", engine: "15550004132")
        defer { Task { _ = await pair.stop() } }
        let engineDevice = pair.engine.device.lid
        let oracleDevice = pair.oracle.device.lid
        // The engine account's phone makes the group; the oracle's account is the other member.
        let group = try await pair.enginePhone.createGroup(subject: "interop", members: [pair.oracle.account])

        var fromOracle: [String] = []
        var fromEngine: [String] = []
        for round in 0..<2 {
            let sent = try await pair.oracle.send("oracle to group \(round)", to: group)
            let id = try #require(sent.string("id"))
            fromOracle.append(id)
            if round == 0 {
                #expect(sent.strings("members").count == 2, "\(sent)")
                let devices = [engineDevice.withoutDevice, engineDevice, oracleDevice.withoutDevice]
                #expect(Set(sent.strings("devices")) == Set(devices.map(\.description)))
            }
            let got = try await pair.engine.waitForMessages(1, "the oracle's group text \(round)") {
                $0.id == id
            }
            #expect(got.first?.chat == group)
            #expect(got.first?.sender == oracleDevice)
            #expect(got.first?.message.text == "oracle to group \(round)")
            for phone in [pair.enginePhone, pair.oraclePhone] {
                let copy = try await waitForPhoneMessages(phone, 1, "a phone's copy of \(round)") {
                    $0.id == id
                }
                #expect(copy.first?.chat == group && copy.first?.message.text == "oracle to group \(round)")
            }

            let mine = try await pair.engine.session.send(.text("engine to group \(round)"), to: group)
            fromEngine.append(mine.id)
            let message = try await pair.oracle.next("message") { $0.string("id") == mine.id }
            #expect(message.string("text") == "engine to group \(round)")
            #expect(
                message.string("group") == group.description && message.string("chat") == group.description)
            #expect(message.string("sender") == engineDevice.description)
            let participantPN = message.string("participant_pn").flatMap { JID($0) }
            // Like sender_pn, the alternate id names the person, not the device.
            #expect(participantPN == pair.engine.account)
            #expect(message.strings("enc").contains("skmsg"))
            // The engine hands out its sender key once; the second message is skmsg alone.
            #expect(message.bool("sender_key") == (round == 0), "\(message)")
        }

        // The phone, a third implementation, writes to the group too.
        let fromPhone = try await pair.enginePhone.send(.text("phone to group"), to: group)
        let phoneMessage = try await pair.oracle.next("message") { $0.string("id") == fromPhone }
        #expect(phoneMessage.string("text") == "phone to group")
        #expect(phoneMessage.string("sender") == engineDevice.withoutDevice.description)

        // Receipts: the engine's reach the oracle through the group, the oracle's the engine.
        for id in fromOracle {
            let receipt = try await pair.oracle.next("receipt") {
                $0.strings("ids").contains(id) && $0.string("participant") == engineDevice.description
            }
            #expect(receipt.string("from") == group.description)
        }
        for id in fromEngine {
            _ = try await pair.engine.log.first(within: .seconds(30), "group delivery of \(id)") { event in
                guard case .messageStatus(let update) = event else { return false }
                return update.ids.contains(id) && update.status == .delivered && update.device == oracleDevice
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        for id in fromEngine + [fromPhone] { #expect(pair.oracle.messages(id: id).count == 1) }
        for id in fromOracle { #expect(await pair.engine.messages().filter { $0.id == id }.count == 1) }
        #expect(pair.oracle.problems.isEmpty, "\(pair.oracle.problems)")
        #expect(await pair.stop() == 0)
    }
}
