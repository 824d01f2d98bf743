import Foundation
import SwiftProtobuf
import ZapgateProto
import ZapgateSignal
import ZapgateWire

/// Decrypts the `<enc>` children of an incoming `<message>`: pairwise (`pkmsg`, `msg`) with the
/// sender device's session, `skmsg` with its sender key in the group. Sender keys handed over
/// in the content (also inside a copy from our own device) are stored on the way. The caller
/// serialises calls per store.
public struct MessageDecryptor: Sendable {
    public let store: any SignalProtocolStore & SenderKeyStore

    public init(store: any SignalProtocolStore & SenderKeyStore) {
        self.store = store
    }

    /// The decrypted, unpadded content of one `<enc>` from `sender` (a device JID), in `group`
    /// when the message came to a group.
    public func decrypt(
        _ enc: BinaryNode, sender: JID, group: JID?
    ) async throws(MessagingError) -> (message: WAMessage, plaintext: Data) {
        guard enc.tag == "enc", let body = enc.bytes else { throw .malformed("<enc> without ciphertext") }
        let version = (try? enc.optionalString("v")) ?? nil
        guard version == nil || version == "2" else { throw .unsupported("enc v=\(version ?? "")") }
        let type = (try? enc.optionalString("type")) ?? ""
        let padded: Data
        do {
            switch type {
            case "pkmsg", "msg":
                padded = try await SessionCipher(store: store, address: sender.signalAddress)
                    .decrypt(encType: type, body)
            case "skmsg":
                guard let group else { throw MessagingError.malformed("skmsg outside a group") }
                let name = SenderKeyName(groupID: group.description, sender: sender.signalAddress)
                padded = try await GroupCipher(store: store, name: name).decrypt(body)
            default:
                throw MessagingError.unsupported("enc type \(type)")
            }
        } catch let error as SignalError {
            throw .signal(error)
        } catch let error as MessagingError {
            throw error
        } catch {
            throw .unsupported("\(error)")
        }
        let plaintext: Data
        do { plaintext = try WhatsAppPadding.unpad(padded) } catch { throw .signal(error) }
        let message: WAMessage
        do { message = try WAMessage(serializedBytes: plaintext) } catch {
            throw .invalidContent("the plaintext is not a Message protobuf")
        }
        try await storeSenderKeys(in: message, sender: sender)
        return (message, plaintext)
    }

    /// Stores the sender keys `message` hands over (directly or in a device-sent copy).
    private func storeSenderKeys(in message: WAMessage, sender: JID) async throws(MessagingError) {
        for carrier in [message, message.deviceSentMessage.message]
        where carrier.hasSenderKeyDistributionMessage {
            let distribution = carrier.senderKeyDistributionMessage
            guard let group = try? JID(parsing: distribution.groupID), group.isGroup else { continue }
            do {
                let parsed = try SenderKeyDistributionMessage(
                    serialized: distribution.axolotlSenderKeyDistributionMessage)
                try await GroupSessionBuilder(store: store).process(
                    parsed, from: SenderKeyName(groupID: group.description, sender: sender.signalAddress))
            } catch { throw .signal(error) }
        }
    }
}
