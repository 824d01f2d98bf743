import Foundation
import Testing
import ZapgateCrypto
import ZapgateMessaging
import ZapgateProto
import ZapgateSignal
import ZapgateWire

/// Fan-out encryption and decryption between two stores, without a network.
struct EncryptionTests {
    @Test func aReactionFansOutHiddenAndDecryptsOnTheOtherSide() async throws {
        let aliceIdentity = SignalKeys.generateIdentityKeyPair()
        let bobIdentity = SignalKeys.generateIdentityKeyPair()
        let alice = InMemorySignalStore(identity: aliceIdentity, registrationID: 1)
        let bob = InMemorySignalStore(identity: bobIdentity, registrationID: 2)
        let signed = try SignalKeys.generateSignedPreKey(identity: bobIdentity, id: 1)
        let preKey = SignalKeys.generatePreKeys(start: 5, count: 1)[0]
        await bob.storeSignedPreKey(signed)
        await bob.storePreKey(preKey)
        let bobDevice = JID(user: "222", server: .lid, device: 3)
        let aliceDevice = JID(user: "111", server: .lid, device: 2)

        let encryptor = MessageEncryptor(store: alice)
        #expect(try await encryptor.devicesWithoutSession([bobDevice]) == [bobDevice])
        try await encryptor.startSession(
            with: bobDevice,
            bundle: PreKeyBundle(
                registrationID: 2, deviceID: 3, preKeyID: preKey.id, preKeyPublic: preKey.keyPair.publicKey,
                signedPreKeyID: 1, signedPreKeyPublic: signed.keyPair.publicKey,
                signedPreKeySignature: signed.signature, identityKey: bobIdentity.publicKey))
        let reaction = WAMessage.reaction(
            "👍", to: MessageReference(chat: bobDevice.withoutDevice, id: "X", fromMe: false))
        let (nodes, anyPreKey) = try await encryptor.fanOut(reaction, to: [bobDevice])
        #expect(anyPreKey)
        let enc = try #require(nodes.first?.child("enc"))
        #expect(enc.attributes["type"] == "pkmsg" && enc.attributes["decrypt-fail"] == "hide")

        let (message, _) = try await MessageDecryptor(store: bob).decrypt(
            enc, sender: aliceDevice, group: nil)
        #expect(message == reaction)
        // The same ciphertext again is a replay.
        await #expect(throws: MessagingError.self) {
            try await MessageDecryptor(store: bob).decrypt(enc, sender: aliceDevice, group: nil)
        }
        let text = try await encryptor.fanOut(.text("plain"), to: [bobDevice])
        #expect(text.nodes.first?.child("enc")?.attributes["decrypt-fail"] == nil)
    }
}
