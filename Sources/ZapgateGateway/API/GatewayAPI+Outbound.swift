import Foundation
import ZapgateAPI
import ZapgateStore

extension GatewayAPI {
    /// Checks a send request and turns it into what the queue stores: addresses parsed, base64
    /// media saved as an upload (so the queued row stays small and the bytes are on disk), the
    /// messages it refers to known.
    func outboundRequest(_ body: Components.Schemas.SendMessageRequest, instance: InstanceRecord)
        async throws(GatewayError) -> OutboundRequest
    {
        switch body {
        case .text(let text):
            var request = try OutboundRequest(validating: text.to, type: "text")
            request.text = try Validation.text(text.text, field: "/text", maximum: 65_536)
            request.mentions = try text.mentions.map { mentions throws(GatewayError) in
                guard mentions.count <= 256 else {
                    throw .validation(field: "/mentions", detail: "At most 256 mentions.")
                }
                return try mentions.map { mention throws(GatewayError) in
                    try Validation.recipient(mention, field: "/mentions").description
                }
            }
            request.quote = try await known(
                text.quote?.messageId, field: "/quote/messageId", instance: instance)
            return request
        case .image(let image):
            return try await mediaRequest(
                "image", to: image.to, media: image.media, quote: image.quote, caption: image.caption,
                instance: instance)
        case .video(let video):
            return try await mediaRequest(
                "video", to: video.to, media: video.media, quote: video.quote, caption: video.caption,
                instance: instance)
        case .audio(let audio):
            if let seconds = audio.seconds, !(0...86_400).contains(seconds) {
                throw .validation(field: "/seconds", detail: "seconds is 0 to 86400.")
            }
            var request = try await mediaRequest(
                "audio", to: audio.to, media: audio.media, quote: audio.quote, instance: instance)
            request.voiceNote = audio.voiceNote
            request.seconds = audio.seconds
            return request
        case .document(let document):
            let fileName = try document.fileName.map { name throws(GatewayError) in
                try Validation.text(name, field: "/fileName", maximum: 255)
            }
            var request = try await mediaRequest(
                "document", to: document.to, media: document.media, quote: document.quote,
                caption: document.caption, instance: instance)
            request.fileName = fileName
            return request
        case .sticker(let sticker):
            return try await mediaRequest(
                "sticker", to: sticker.to, media: sticker.media, quote: sticker.quote, instance: instance)
        case .location(let location):
            var request = try OutboundRequest(validating: location.to, type: "location")
            guard (-90...90).contains(location.latitude) else {
                throw .validation(field: "/latitude", detail: "latitude is -90 to 90.")
            }
            guard (-180...180).contains(location.longitude) else {
                throw .validation(field: "/longitude", detail: "longitude is -180 to 180.")
            }
            request.latitude = location.latitude
            request.longitude = location.longitude
            request.name = try location.name.map { name throws(GatewayError) in
                try Validation.text(name, field: "/name", maximum: 1_024)
            }
            request.address = try location.address.map { address throws(GatewayError) in
                try Validation.text(address, field: "/address", maximum: 1_024)
            }
            return request
        case .contact(let contact):
            var request = try OutboundRequest(validating: contact.to, type: "contact")
            request.displayName = try Validation.text(
                contact.displayName, field: "/displayName", maximum: 256)
            request.vcard = try Validation.text(contact.vcard, field: "/vcard", maximum: 16_384)
            return request
        case .reaction(let reaction):
            var request = try OutboundRequest(validating: reaction.to, type: "reaction")
            request.targetMessageId = try await known(
                reaction.messageId, field: "/messageId", instance: instance)
            request.emoji = try Validation.text(
                reaction.emoji, field: "/emoji", maximum: 64, allowEmpty: true)
            return request
        case .edit(let edit):
            var request = try OutboundRequest(validating: edit.to, type: "edit")
            request.targetMessageId = try await own(edit.messageId, instance: instance)
            request.text = try Validation.text(edit.text, field: "/text", maximum: 65_536)
            return request
        case .revoke(let revoke):
            var request = try OutboundRequest(validating: revoke.to, type: "revoke")
            request.targetMessageId = try await own(revoke.messageId, instance: instance)
            return request
        }
    }

    /// The parts every media message has: recipient, media, an optional quote and caption.
    private func mediaRequest(
        _ type: String, to recipient: String, media source: Components.Schemas.Media,
        quote: Components.Schemas.Quote?, caption text: String? = nil, instance: InstanceRecord
    ) async throws(GatewayError) -> OutboundRequest {
        var request = try OutboundRequest(validating: recipient, type: type)
        request.caption = try caption(text)
        request.quote = try await known(quote?.messageId, field: "/quote/messageId", instance: instance)
        request.media = try await media(source, instance: instance)
        return request
    }

    private func caption(_ value: String?) throws(GatewayError) -> String? {
        try value.map { caption throws(GatewayError) in
            try Validation.text(caption, field: "/caption", maximum: 4_096)
        }
    }

    /// A message id this instance has sent or received (what replies and reactions refer to).
    private func known(_ id: String?, field: String, instance: InstanceRecord) async throws(GatewayError)
        -> String?
    {
        guard let id else { return nil }
        let messageID = try Validation.messageID(id, field: field)
        guard
            try await records({ () throws(GatewayStoreError) in
                try await store.message(instanceID: instance.id, id: messageID)
            }) != nil
        else { throw .validation(field: field, detail: "This instance has no message \(id.prefix(64)).") }
        return messageID
    }

    /// A message this instance sent (only those can be edited or deleted for everyone).
    private func own(_ id: String, instance: InstanceRecord) async throws(GatewayError) -> String {
        let messageID = try Validation.messageID(id)
        let record = try await records { () throws(GatewayStoreError) in
            try await store.message(instanceID: instance.id, id: messageID)
        }
        guard let record, record.direction == .outbound else {
            throw .validation(
                field: "/messageId", detail: "Only messages this instance sent can be edited or deleted.")
        }
        return messageID
    }

    private func media(_ media: Components.Schemas.Media, instance: InstanceRecord) async throws(GatewayError)
        -> OutboundMedia
    {
        switch media {
        case .UploadedMedia(let uploaded):
            guard let id = UUID(uuidString: uploaded.uploadId),
                let upload = try await records({ () throws(GatewayStoreError) in
                    try await store.upload(id, instanceID: instance.id)
                })
            else {
                throw .validation(
                    field: "/media/uploadId",
                    detail: "This instance has no upload \(uploaded.uploadId.prefix(64)).")
            }
            return OutboundMedia(uploadID: upload.id, url: nil, mimetype: upload.mimetype)
        case .InlineMedia(let inline):
            let mimetype = try Validation.mimetype(inline.mimetype)
            let data = Data(inline.base64.data)
            guard !data.isEmpty else {
                throw .validation(field: "/media/base64", detail: "The media is empty.")
            }
            guard data.count <= limits.maximumMediaSize else {
                throw .mediaTooLarge(limit: limits.maximumMediaSize)
            }
            let upload = try await saveUpload(data, mimetype: mimetype, fileName: nil, instance: instance)
            return OutboundMedia(uploadID: upload.id, url: nil, mimetype: mimetype)
        case .RemoteMedia(let remote):
            guard remote.url.count <= 2_048, let url = URL(string: remote.url),
                ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil
            else { throw .validation(field: "/media/url", detail: "Give an http or https URL.") }
            let mimetype = try remote.mimetype.map { type throws(GatewayError) in
                try Validation.mimetype(type)
            }
            return OutboundMedia(uploadID: nil, url: remote.url, mimetype: mimetype)
        }
    }
}

extension OutboundRequest {
    init(validating recipient: String, type: String) throws(GatewayError) {
        self.init(to: try Validation.recipient(recipient).description, type: type)
    }
}
