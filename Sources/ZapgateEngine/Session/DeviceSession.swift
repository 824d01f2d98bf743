import Foundation
import Logging
import ZapgateNoise
import ZapgateProtocol
import ZapgateSignal
import ZapgateWire

/// One WhatsApp device linked (or being linked) to an account: it connects, registers or logs
/// in, shows QR codes or a pairing code, keeps its prekeys topped up, answers keepalives, and
/// reconnects after network loss — until it is logged out or its task is cancelled.
///
/// ```swift
/// let session = DeviceSession(store: store, configuration: configuration)
/// let running = Task { await session.run() }
/// for await event in session.events { … }   // .qr, .paired, .connected, …
/// running.cancel()                           // graceful stop
/// ```
public actor DeviceSession {
    /// What happens, in order. The sequence finishes when ``run()`` returns.
    public nonisolated let events: AsyncStream<DeviceEvent>
    let eventSink: AsyncStream<DeviceEvent>.Continuation

    let store: any DeviceStore
    let configuration: DeviceSessionConfiguration
    let logger: Logger

    /// Loaded on the first connect and kept in step with the store.
    var credentials: DeviceCredentials?
    /// The live connection, if any.
    var link: Link?
    /// Answers awaited for `<iq>` requests, by id.
    var pendingIQs: [String: CheckedContinuation<BinaryNode, any Error>] = [:]
    /// For requests whose success changes what a close means (logout): set on the answer's
    /// arrival, before the server can hang up.
    var closeMeansOnSuccess: [String: ConnectionEnd] = [:]
    /// When each awaited answer is overdue, and what to call it in the timeout error.
    var roundTripDeadlines: [String: (at: ContinuousClock.Instant, label: String)] = [:]
    var iqCounter: UInt64 = 0
    let iqPrefix: String
    /// Consecutive failed connection attempts; the backoff grows with it.
    var failedAttempts = 0
    /// Connections made so far; numbers each ``Link``.
    var connectionCount = 0
    /// Whether a prekey top-up is in flight.
    var preKeyTopUpRunning = false
    /// Prekeys stored but not yet accepted by the server; a retry sends these.
    var unuploadedPreKeys: [PreKeyRecord] = []
    /// 515 restarts in a row; a server that keeps asking gets the backoff too.
    var restartsInARow = 0
    /// Whether Signal state is being read and written; sessions and sender keys are loaded,
    /// changed and stored back, so only one message is encrypted or decrypted at a time.
    var cryptoBusy = false
    var cryptoWaiters: [CheckedContinuation<Void, Never>] = []
    /// Counts devices and group notifications, so an answer fetched across one is not cached.
    var directoryGeneration = 0
    /// Device lists by LID user, until a devices notification says they changed.
    var deviceCache: [String: [JID]] = [:]
    /// Group members (LID user JIDs) by group user, with when they were fetched.
    var groupCache: [String: (members: [JID], fetched: ContinuousClock.Instant)] = [:]
    /// Retry requests we sent, by message id.
    var retriesAsked: [String: Int] = [:]
    /// Retry requests we answered, by message id and device.
    var retriesAnswered: [String: Int] = [:]
    /// The last `<media_conn>` answer, kept for its ttl.
    var mediaConnections = MediaConnectionCache()

    /// A session over `store`. Nothing happens until ``run()``.
    public init(
        store: any DeviceStore,
        configuration: DeviceSessionConfiguration = .init(),
        logger: Logger = Logger(label: "zapgate.engine.session")
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(of: DeviceEvent.self)
        let random = UInt16.random(in: .min ... .max)
        iqPrefix = "\(random >> 8).\(random & 0xFF)-"
    }

    /// The linked account, once known.
    public var account: LinkedAccount? { credentials?.account }

    /// Whether a login has succeeded on the current connection.
    public var isConnected: Bool { link?.loggedIn ?? false }

    /// Connects and keeps the device connected. Returns when the device is logged out, when a
    /// terminal ``DisconnectReason`` ends it, or when the calling task is cancelled (the
    /// graceful stop). ``events`` finishes then.
    public func run() async {
        defer { eventSink.finish() }
        while !Task.isCancelled {
            let end = await connectOnce()
            if Task.isCancelled {
                eventSink.yield(.disconnected(.stopped))
                return
            }
            switch end {
            case .restart:
                restartsInARow += 1
                logger.debug("server asked for a restart; reconnecting")
                if restartsInARow > 2 {
                    let delay = Backoff.delay(
                        attempt: restartsInARow - 3, initial: configuration.reconnectInitialDelay,
                        maximum: configuration.reconnectMaximumDelay)
                    do { try await Task.sleep(for: delay) } catch {
                        eventSink.yield(.disconnected(.stopped))
                        return
                    }
                }
                continue
            case .transient(let reason):
                eventSink.yield(.disconnected(reason))
                let delay = Backoff.delay(
                    attempt: failedAttempts, initial: configuration.reconnectInitialDelay,
                    maximum: configuration.reconnectMaximumDelay)
                failedAttempts += 1
                logger.info(
                    "reconnecting", metadata: ["reason": "\(reason)", "delay": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch {
                    eventSink.yield(.disconnected(.stopped))
                    return
                }
            case .terminal(let reason):
                eventSink.yield(.disconnected(reason))
                return
            case .loggedOut(let reason):
                await wipeCredentials()
                eventSink.yield(.loggedOut(reason))
                return
            }
        }
        eventSink.yield(.disconnected(.stopped))
    }

    func wipeCredentials() async {
        credentials = nil
        unuploadedPreKeys = []
        do { try await store.wipe() } catch {
            logger.error("could not wipe credentials after logout", metadata: ["error": "\(error)"])
        }
    }

    func save(_ updated: DeviceCredentials) async throws(EngineError) {
        try await store.saveCredentials(updated)
        credentials = updated
    }
}
