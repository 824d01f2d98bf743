import Foundation
import Logging
import Synchronization
import Testing
import ZapgateSimulator
import ZapgateStore
import ZapgateStoreTestSupport
import ZapgateTestSupport

/// The crash test's world: a simulator in the test process (WhatsApp and the phones, which
/// outlive every gateway), the gateway as a child process that is killed and started again on
/// the same data, and the two tenants with their linked instances.
final class CrashRig: Sendable {
    static let adminKey = "zga_crash-admin-key-0123456789abcdef"
    /// Account A (instance A's number), account B (instance B's), and a plain phone C.
    static let phoneA = "5511900000101"
    static let phoneB = "5511900000102"
    static let phoneC = "5511900000103"

    let simulator: Simulator
    let client = GatewayClient()
    let ledger = MessageLedger()
    let options: GatewayProcess.Options
    private let simulatorTask: Task<Void, any Error>
    private let gateway: Mutex<GatewayProcess?>
    private let pastLogs = Mutex<[String]>([])
    /// Set once the instances are linked: their tenants' keys and ids.
    private let linked = Mutex<Linked?>(nil)

    struct Linked: Sendable {
        var keyA: String
        var instanceA: String
        var keyB: String
        var instanceB: String
    }

    private init(
        simulator: Simulator, simulatorTask: Task<Void, any Error>, options: GatewayProcess.Options
    ) {
        self.simulator = simulator
        self.simulatorTask = simulatorTask
        self.options = options
        gateway = Mutex(nil)
    }

    /// Runs `body` with a simulator and a first gateway on a fresh database of `backend`,
    /// then stops both and removes the data. Every gateway started gets `environment` too.
    static func with<T: Sendable>(
        _ backend: TestBackend, environment: [String: String] = [:], _ body: (CrashRig) async throws -> T
    ) async throws -> T {
        try await backend.withScratchLocation { location in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "zg-crash-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let simulator = try Simulator(
                configuration: SimulatorConfiguration(),
                logger: Logger(label: "zapgate.test.simulator", factory: { _ in SwiftLogNoOpLogHandler() }))
            let (listening, signal) = AsyncStream.makeStream(of: Int.self)
            let task = Task {
                defer { signal.finish() }
                try await simulator.run { port in signal.yield(port) }
            }
            var ports = listening.makeAsyncIterator()
            guard let port = await ports.next() else {
                try await task.value
                throw GatewayProcess.Failure.didNotListen("the simulator did not listen")
            }
            let rig = CrashRig(
                simulator: simulator, simulatorTask: task,
                options: .init(
                    dataDirectory: folder.path, databaseURL: location.urlString,
                    whatsappURL: "ws://127.0.0.1:\(port)/ws/chat", rootKeyHex: simulator.rootPublicKey.hex,
                    adminKey: adminKey, masterKey: String(repeating: "cd", count: 32),
                    environment: environment))
            do {
                try await rig.startGateway()
                let result = try await body(rig)
                await rig.shutdown()
                return result
            } catch {
                // The gateway's own log says what it was doing when things went wrong.
                let log = rig.gatewayLog
                await rig.shutdown()
                print("the gateways' logs ended with:\n\(log.suffix(8_000))")
                throw error
            }
        }
    }

    private func shutdown() async {
        await gateway.withLock { $0 }?.stop()
        await client.shutdown()
        simulatorTask.cancel()
        _ = await simulatorTask.result
    }

    /// What every gateway so far wrote to stderr (the last 64 KiB of each), oldest first.
    var gatewayLog: String {
        pastLogs.withLock { $0 }.joined(separator: "\n--- restart ---\n") + "\n--- restart ---\n"
            + (gateway.withLock { $0?.stderrText } ?? "")
    }

    var instances: Linked {
        get throws { try #require(linked.withLock { $0 }, "the instances are not linked yet") }
    }

    /// Starts a gateway process on the rig's data and sends calls to it from now on.
    func startGateway() async throws {
        let started = try await GatewayProcess.start(options)
        if let previous = gateway.withLock({ $0 }) { pastLogs.withLock { $0.append(previous.stderrText) } }
        gateway.withLock { $0 = started }
        client.gatewayStarted(port: started.port)
    }

    /// Kills the gateway with SIGKILL.
    func crashGateway() async {
        client.gatewayDied()
        await gateway.withLock { $0 }?.crash()
    }

    /// Makes the two tenants, creates an instance for each, and links them to accounts A and B
    /// by QR code with the simulator's phones; phone C gets an account too.
    func linkInstances() async throws {
        let (keyA, instanceA) = try await linkedInstance(tenant: "crash-alpha", phone: Self.phoneA)
        let (keyB, instanceB) = try await linkedInstance(tenant: "crash-bravo", phone: Self.phoneB)
        _ = try await simulator.phone(Self.phoneC)
        linked.withLock { $0 = Linked(keyA: keyA, instanceA: instanceA, keyB: keyB, instanceB: instanceB) }
    }

    private func linkedInstance(tenant name: String, phone number: String) async throws -> (String, String) {
        let tenant = try await client.call(
            .POST, "/v1/tenants", key: Self.adminKey, json: ["name": name, "plan": "business"])
        guard tenant.status == 201, let tenantID = tenant.json["id"] as? String else {
            throw UnexpectedAnswer(what: "create tenant", answer: tenant)
        }
        let key = try await client.call(
            .POST, "/v1/tenants/\(tenantID)/keys", key: Self.adminKey, json: ["name": "main"])
        guard key.status == 201, let apiKey = key.json["key"] as? String else {
            throw UnexpectedAnswer(what: "create API key", answer: key)
        }
        let created = try await client.call(
            .POST, "/v1/instances", key: apiKey, json: ["name": "main", "connect": true])
        guard created.status == 201, let id = created.json["id"] as? String else {
            throw UnexpectedAnswer(what: "create instance", answer: created)
        }
        let qr = try await client.waitFor("/v1/instances/\(id)/qr", key: apiKey, "a QR code") {
            $0.status == 200
        }
        let code = try #require(qr.json["code"] as? String)
        _ = try await simulator.phone(number).scan(code)
        try await client.waitFor("/v1/instances/\(id)", key: apiKey, "instance \(name) connected") {
            $0.json["status"] as? String == "connected"
        }
        return (apiKey, id)
    }

    /// Waits until the restarted gateway is ready and both instances are connected again from
    /// their stored credentials. Fails at once if an instance asks to be linked again (or
    /// gives up), and checks each account still has exactly one linked device.
    func waitUntilBackUp() async throws {
        let linked = try instances
        try await client.waitFor("/ready", key: nil, "the gateway ready") { $0.status == 200 }
        for (id, key) in [(linked.instanceA, linked.keyA), (linked.instanceB, linked.keyB)] {
            try await client.waitFor(
                "/v1/instances/\(id)", key: key, "instance \(id) connected again",
                check: { answer in
                    let status = answer.json["status"] as? String ?? ""
                    if ["awaiting_link", "failed", "logged_out"].contains(status) {
                        throw UnexpectedAnswer(what: "instance \(id) after a restart", answer: answer)
                    }
                },
                until: { $0.json["status"] as? String == "connected" })
        }
        for number in [Self.phoneA, Self.phoneB] {
            let devices = try await simulator.phone(number).devices()
            #expect(devices.count == 1, "account \(number) has \(devices.count) linked devices")
        }
    }
}

extension CrashRig {
    /// How many send attempts the outbound messages took, as `attempts: messages`, read from
    /// the database (the API does not show attempts): above 1, a send was interrupted by a
    /// crash or failed for a while.
    func attemptCounts() async throws -> [Int: Int] {
        let database = try await TestBackend.open(try StoreLocation(parsing: options.databaseURL))
        do {
            let rows = try await database.query(
                "SELECT attempts, COUNT(*) AS n FROM messages WHERE direction = 'outbound' GROUP BY attempts")
            await database.close()
            var counts: [Int: Int] = [:]
            for row in rows { counts[Int(try row.int("attempts"))] = Int(try row.int("n")) }
            return counts
        } catch {
            await database.close()
            throw error
        }
    }
}
