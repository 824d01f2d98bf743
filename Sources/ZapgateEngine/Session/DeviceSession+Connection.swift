import Foundation
import ZapgateNoise
import ZapgateWire

extension DeviceSession {
    /// One connection, from dialling to close: how it ended decides what ``run()`` does next.
    func connectOnce() async -> ConnectionEnd {
        let current: DeviceCredentials
        do {
            if let loaded = try await store.loadCredentials() {
                current = loaded
            } else {
                current = try DeviceCredentials.generate()
                try await store.saveCredentials(current)
            }
        } catch {
            logger.error("credential store failed", metadata: ["error": "\(error)"])
            return .transient(.connectionLost("credential store: \(error)"))
        }
        credentials = current

        let payload: Data
        do {
            if let account = current.account {
                payload = try ClientPayloads.login(account, configuration)
            } else {
                payload = try ClientPayloads.registration(current, configuration)
            }
        } catch {
            logger.error("could not build the client payload", metadata: ["error": "\(error)"])
            return .terminal(.refused(code: 0))
        }
        let client = NoiseWebSocketClient(
            noiseKey: current.noiseKey, configuration: configuration.noise, logger: logger)
        do {
            return try await client.connect(clientPayload: payload) { connection in
                await self.serve(connection)
            }
        } catch {
            return .transient(.connectionLost("\(error)"))
        }
    }

    /// Reads stanzas until the connection ends, running the work they start beside the reader.
    private func serve(_ connection: NoiseConnection) async -> ConnectionEnd {
        connectionCount += 1
        let generation = connectionCount
        let (jobs, jobSink) = AsyncStream.makeStream(of: Link.Job.self)
        let (ended, endSink) = AsyncStream.makeStream(of: ConnectionEnd.self)
        link = Link(generation: generation, connection: connection, jobs: jobSink, ended: endSink)
        startJob { [weak self] in await self?.expireRoundTrips(generation: generation) }
        let end = await withTaskGroup(of: ConnectionEnd?.self) { group in
            group.addTask { await self.readStanzas(from: connection) }
            // A decision to end (keepalive, QR expiry, logout) must not wait for the reader: on a
            // dead network no frame and no close answer would ever come to wake it.
            group.addTask {
                for await end in ended { return end }
                return nil
            }
            group.addTask {
                await withDiscardingTaskGroup { workers in
                    for await job in jobs { workers.addTask { await job() } }
                }
                return nil
            }
            var end = ConnectionEnd.transient(.connectionLost("closed"))
            while let next = await group.next() {
                if let next {
                    end = next
                    break
                }
            }
            // Jobs waiting for an answer would wait forever now: release them before the
            // group waits for its children.
            if link?.end == nil { link?.end = end }
            failPendingIQs(with: EngineError.connectionClosed)
            group.cancelAll()
            jobSink.finish()
            endSink.finish()
            return end
        }
        link = nil
        failPendingIQs(with: EngineError.connectionClosed)
        return end
    }

    private func readStanzas(from connection: NoiseConnection) async -> ConnectionEnd {
        do {
            for try await frame in connection.frames {
                let node: BinaryNode
                do {
                    node = try BinaryNode(framePayload: frame)
                } catch {
                    logger.warning("undecodable frame", metadata: ["error": "\(error)"])
                    continue
                }
                await receive(node)
                if let end = link?.end { return end }
            }
        } catch {
            return link?.end ?? link?.closeMeans ?? .transient(.connectionLost("\(error)"))
        }
        return link?.end ?? link?.closeMeans
            ?? .transient(.connectionLost("the server closed the connection"))
    }

    /// Decides how the connection ends and closes it; the reader then returns `end`.
    func finish(_ end: ConnectionEnd) async {
        guard var current = link, current.end == nil else { return }
        current.end = end
        link = current
        current.ended.yield(end)
        await current.connection.close()
    }

    /// Runs `job` beside the reader for as long as the connection lives.
    func startJob(_ job: @escaping Link.Job) {
        link?.jobs.yield(job)
    }

    /// Sends one stanza.
    func send(_ node: BinaryNode) async throws(EngineError) {
        guard let connection = link?.connection else { throw .notConnected }
        let payload: Data
        do {
            payload = try node.encodedFramePayload()
        } catch {
            throw .protocolViolation("could not encode <\(node.tag)>: \(error)")
        }
        do {
            try await connection.send(payload)
        } catch {
            throw .connectionClosed
        }
    }
}
