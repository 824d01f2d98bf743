import Foundation
import ZapgateEngine
import ZapgateMessaging
import ZapgateProto
import ZapgateProtocol
import ZapgateStore
import ZapgateWire

extension InstanceRuntime {
    /// The WhatsApp message for a queued request: media fetched and uploaded, quoted and
    /// targeted messages looked up.
    func build(_ request: OutboundRequest, session: DeviceSession) async throws -> WAMessage {
        var quoted: MessageReference?
        if let quote = request.quote { quoted = try await reference(to: quote) }
        switch request.type {
        case "text":
            let mentions = try (request.mentions ?? []).map { try JID(parsing: $0) }
            return .text(request.text ?? "", replyingTo: quoted, mentioning: mentions)
        case "location":
            guard let latitude = request.latitude, let longitude = request.longitude else {
                throw SendFailure.permanent("a location needs latitude and longitude")
            }
            return .location(
                latitude: latitude, longitude: longitude, name: request.name, address: request.address)
        case "contact":
            return .contact(displayName: request.displayName ?? "", vcard: request.vcard ?? "")
        case "reaction":
            return .reaction(request.emoji ?? "", to: try await reference(to: request.targetMessageId))
        case "edit":
            return .edit(try await reference(to: request.targetMessageId), newText: request.text ?? "")
        case "revoke":
            return .revoke(try await reference(to: request.targetMessageId))
        case "image", "video", "audio", "document", "sticker":
            var message = try await mediaMessage(request, session: session)
            if let quoted { message.quote(quoted) }
            return message
        default:
            throw SendFailure.permanent("unknown message type \(request.type)")
        }
    }

    private func mediaMessage(_ request: OutboundRequest, session: DeviceSession) async throws -> WAMessage {
        guard let source = request.media else { throw SendFailure.permanent("the message has no media") }
        let (bytes, mimetype) = try await mediaBytes(source)
        switch request.type {
        case "image":
            return .image(
                try await session.upload(bytes, kind: .image), mimetype: mimetype, caption: request.caption)
        case "video":
            return .video(
                try await session.upload(bytes, kind: .video), mimetype: mimetype, caption: request.caption,
                seconds: request.seconds.map { UInt32(clamping: $0) })
        case "audio":
            let kind: MediaKind = request.voiceNote == true ? .voiceNote : .audio
            return .audio(
                try await session.upload(bytes, kind: kind), mimetype: mimetype,
                seconds: request.seconds.map { UInt32(clamping: $0) })
        case "document":
            return .document(
                try await session.upload(bytes, kind: .document), mimetype: mimetype,
                fileName: request.fileName ?? "file", caption: request.caption)
        default:
            return .sticker(try await session.upload(bytes, kind: .sticker), mimetype: mimetype)
        }
    }

    /// The bytes to send and their type: from an upload, or fetched from the URL now.
    private func mediaBytes(_ source: OutboundMedia) async throws -> (Data, String) {
        if let uploadID = source.uploadID {
            guard let upload = try await store.upload(uploadID, instanceID: id) else {
                throw SendFailure.permanent("upload \(uploadID.uuidString.lowercased()) no longer exists")
            }
            return (upload.data, source.mimetype ?? upload.mimetype)
        }
        guard let url = source.url else { throw SendFailure.permanent("the media has no source") }
        do {
            let fetched = try await environment.mediaFetcher.fetch(url)
            return (fetched.data, source.mimetype ?? fetched.mimetype ?? "application/octet-stream")
        } catch {
            throw SendFailure.permanent("fetching \(url) failed: \(error.detail)")
        }
    }

    /// The key of an earlier message of this instance, as a reply, reaction, edit or revoke
    /// names it.
    func reference(to messageID: String?) async throws -> MessageReference {
        guard let messageID, let record = try await store.message(instanceID: id, id: messageID) else {
            throw SendFailure.permanent("message \(messageID ?? "") is not known to this instance")
        }
        let chat = try JID(parsing: record.chat)
        let fromMe = record.direction == .outbound
        let sender = fromMe || !chat.isGroup ? nil : try? JID(parsing: record.sender)
        return MessageReference(chat: chat, id: record.id, fromMe: fromMe, sender: sender)
    }
}

extension WAMessage {
    /// Marks a media message as a reply to `quoted`.
    mutating func quote(_ quoted: MessageReference) {
        var context = WAContextInfo()
        context.stanzaID = quoted.id
        context.participant = (quoted.sender ?? quoted.chat).withoutDevice.description
        if quoted.chat.isGroup { context.remoteJid = quoted.chat.description }
        if hasImageMessage { imageMessage.contextInfo = context }
        if hasVideoMessage { videoMessage.contextInfo = context }
        if hasAudioMessage { audioMessage.contextInfo = context }
        if hasDocumentMessage { documentMessage.contextInfo = context }
        if hasStickerMessage { stickerMessage.contextInfo = context }
    }
}
