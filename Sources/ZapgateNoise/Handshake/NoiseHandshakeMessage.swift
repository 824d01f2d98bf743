import Foundation
import SwiftProtobuf
import ZapgateProto

/// Encoding and decoding of the `HandshakeMessage` envelope each handshake frame carries.
enum NoiseHandshakeMessage {
    static func clientHello(ephemeral: Data) -> Data {
        var message = WAHandshakeMessage()
        message.clientHello.ephemeral = ephemeral
        return serialize(message)
    }

    static func serverHello(ephemeral: Data, encryptedStatic: Data, encryptedPayload: Data) -> Data {
        var message = WAHandshakeMessage()
        message.serverHello.ephemeral = ephemeral
        message.serverHello.static = encryptedStatic
        message.serverHello.payload = encryptedPayload
        return serialize(message)
    }

    static func clientFinish(encryptedStatic: Data, encryptedPayload: Data) -> Data {
        var message = WAHandshakeMessage()
        message.clientFinish.static = encryptedStatic
        message.clientFinish.payload = encryptedPayload
        return serialize(message)
    }

    static func decode(_ bytes: Data) throws(NoiseHandshakeError) -> WAHandshakeMessage {
        do {
            return try WAHandshakeMessage(serializedBytes: bytes)
        } catch {
            throw .malformedMessage("not a HandshakeMessage: \(error)")
        }
    }

    private static func serialize(_ message: WAHandshakeMessage) -> Data {
        // Only bytes fields: encoding cannot fail.
        (try? message.serializedData()) ?? Data()
    }
}
