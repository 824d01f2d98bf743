import Foundation

/// The pair of transport ciphers a finished handshake yields, seen from one side.
///
/// The two halves are independent values so that the side that sends and the side that
/// receives can each own theirs.
public struct NoiseTransport: Sendable {
    /// Encrypts the frames this side sends.
    public var sender: NoiseCipher
    /// Decrypts the frames this side receives.
    public var receiver: NoiseCipher

    /// Builds the ciphers from the two keys of `Split`.
    public init(sendingKey: Data, receivingKey: Data) throws(NoiseTransportError) {
        sender = try NoiseCipher(key: sendingKey)
        receiver = try NoiseCipher(key: receivingKey)
    }
}
