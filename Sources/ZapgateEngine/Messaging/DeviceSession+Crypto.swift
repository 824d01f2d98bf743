import Foundation
import ZapgateMessaging

extension DeviceSession {
    /// Runs `body` with the Signal state to itself. Never held across a network round trip:
    /// the reader takes it to decrypt, and an answer the holder waited for would never be read.
    func withCryptoLock<Result>(
        _ body: (MessageEncryptor, MessageDecryptor) async throws(EngineError) -> Result
    ) async throws(EngineError) -> Result {
        if cryptoBusy {
            // The holder hands the lock straight to the first waiter, so nobody barges in.
            await withCheckedContinuation { cryptoWaiters.append($0) }
        } else {
            cryptoBusy = true
        }
        defer {
            if cryptoWaiters.isEmpty {
                cryptoBusy = false
            } else {
                cryptoWaiters.removeFirst().resume()
            }
        }
        guard let credentials else { throw .notLinked }
        let signal = DeviceSignalStore(store: store, credentials: credentials)
        return try await body(MessageEncryptor(store: signal), MessageDecryptor(store: signal))
    }
}
