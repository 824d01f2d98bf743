import Foundation
import ZapgateEngine
import ZapgateNoise
import ZapgateSimulator

/// Logging in many stored devices at once, and what an idle connected device costs in memory.
///
/// The simulator runs in this process; the devices are first linked here (setup, not measured),
/// their credentials written to a file, and then a child process (this executable with
/// `engine-child`) starts every device from those credentials. The child holds nothing but the
/// engine, so its resident-memory growth is the engine's alone.
enum LinkingBenchmark {
    static func run(deviceCount: Int) async throws {
        let running = try await BenchmarkSimulator.start()
        defer { running.server.cancel() }
        let (simulator, url, configuration) = (running.simulator, running.url, running.configuration)

        let setupStart = ContinuousClock.now
        var stored: [StoredDevices.Device] = []
        let batch = 50
        for first in stride(from: 0, to: deviceCount, by: batch) {
            let range = first..<min(first + batch, deviceCount)
            stored += try await withThrowingTaskGroup(of: StoredDevices.Device.self) { group in
                for index in range {
                    group.addTask {
                        try await linkOne(index: index, simulator: simulator, configuration: configuration)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            FileHandle.standardError.write(Data("linked \(stored.count)/\(deviceCount)\n".utf8))
        }
        let setup = ContinuousClock.now - setupStart
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "zapgate-devices-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode(
            StoredDevices(url: url, rootPublicKey: simulator.rootPublicKey, devices: stored)
        )
        .write(to: file)

        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["engine-child", file.path]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let report = output.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else { throw BenchmarkError.childFailed(child.terminationStatus) }
        let result = try JSONDecoder().decode(EngineChild.Report.self, from: report)
        print("| stored devices | start → all connected | RSS before | RSS after | RSS per idle device |")
        print("|---:|---:|---:|---:|---:|")
        print(
            "| \(deviceCount) | \(String(format: "%.2f", result.secondsToConnected)) s | "
                + "\(result.residentBefore / 1024) KiB | \(result.residentAfter / 1024) KiB | "
                + "\(String(format: "%.1f", Double(result.residentAfter - result.residentBefore) / Double(deviceCount) / 1024)) KiB |"
        )
        print("\n(setup, not measured: linking \(deviceCount) devices took \(setup))")
    }

    private static func linkOne(
        index: Int,
        simulator: Simulator,
        configuration: DeviceSessionConfiguration
    ) async throws -> StoredDevices.Device {
        let store = InMemoryDeviceStore()
        let session = DeviceSession(store: store, configuration: configuration)
        let run = Task { await session.run() }
        defer { run.cancel() }
        var events = session.events.makeAsyncIterator()
        let phone = try await simulator.phone(String(5_500_000_000 + index))
        while let event = await events.next() {
            switch event {
            case .qr(let code, _):
                _ = try await phone.scan(code)
            case .connected:
                // Wait for the first prekeys to reach the server: the measured logins must not upload.
                guard let jid = await session.account?.jid else { throw BenchmarkError.notLinked }
                while (await simulator.device(jid)?.preKeyCount ?? 0) < 812 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                guard let credentials = await store.loadCredentials(),
                    let device = StoredDevices.device(credentials)
                else { throw BenchmarkError.notLinked }
                return device
            case .disconnected(let reason) where reason.isTerminal:
                throw BenchmarkError.linkFailed("\(reason)")
            case .loggedOut(let reason):
                throw BenchmarkError.linkFailed("\(reason)")
            default:
                continue
            }
        }
        throw BenchmarkError.notLinked
    }
}

/// The child side: log in every stored device, time it, and measure resident memory.
enum EngineChild {
    struct Report: Codable {
        var secondsToConnected: Double
        var residentBefore: Int
        var residentAfter: Int
    }

    static func run(file: String) async throws {
        let stored = try JSONDecoder().decode(
            StoredDevices.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let credentials = try stored.devices.map(StoredDevices.credentials)
        var verifier = NoiseCertificateVerifier()
        verifier.trustedRootKey = stored.rootPublicKey
        let configuration = DeviceSessionConfiguration(
            noise: .init(url: stored.url, origin: nil, verifier: verifier))
        let before = residentBytes()
        let start = ContinuousClock.now
        let sessions = credentials.map {
            DeviceSession(store: InMemoryDeviceStore(credentials: $0), configuration: configuration)
        }
        let runs = sessions.map { session in Task { await session.run() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask {
                    for await event in session.events {
                        if event == .connected { return }
                        if case .disconnected(let reason) = event, reason.isTerminal {
                            throw BenchmarkError.linkFailed("\(reason)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        // Let the post-login work (prekey count, active) settle before measuring an idle device.
        try await Task.sleep(for: .seconds(5))
        let after = residentBytes()
        let report = Report(
            secondsToConnected: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds)
                * 1e-18,
            residentBefore: before, residentAfter: after)
        FileHandle.standardOutput.write(try JSONEncoder().encode(report))
        for run in runs { run.cancel() }
        for run in runs { await run.value }
    }

    /// VmRSS from /proc/self/status, in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}

enum BenchmarkError: Error {
    case simulatorDidNotStart
    case notLinked
    case linkFailed(String)
    case childFailed(Int32)
}
