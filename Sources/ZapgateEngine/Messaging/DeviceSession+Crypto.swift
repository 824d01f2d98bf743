import Foundation
import ZapgateMessaging

extension DeviceSession {
    /// Runs `body` with the Signal state to itself. Never held across a network round trip:
    /// the reader takes it to decrypt, and an answer the holder waited for would never be read.
    func withCryptoLock<Result>(
        _ body: (MessageEncryptor, MessageDecryptor) async throws(EngineError) -> Result
    ) async throws(EngineError) -> Result {
        guard let credentials else { throw .notLinked }
        while cryptoBusy {
            await withCheckedContinuation { cryptoWaiters.append($0) }
        }
        cryptoBusy = true
        defer {
            cryptoBusy = false
            if !cryptoWaiters.isEmpty { cryptoWaiters.removeFirst().resume() }
        }
        let signal = DeviceSignalStore(store: store, credentials: credentials)
        return try await body(MessageEncryptor(store: signal), MessageDecryptor(store: signal))
    }
}
