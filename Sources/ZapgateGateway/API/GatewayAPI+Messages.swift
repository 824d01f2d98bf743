import Foundation
import OpenAPIRuntime
import ZapgateAPI
import ZapgateCrypto
import ZapgateMessaging
import ZapgateStore
import ZapgateWire

extension GatewayAPI {
    func sendMessage(_ input: Operations.SendMessage.Input) async throws -> Operations.SendMessage.Output {
        let instance = try await ownInstance(input.path.instanceId)
        guard case .json(let body) = input.body else { throw GatewayError.malformedBody("Send JSON.") }
        guard instance.jid != nil else { throw GatewayError.notLinked }
        let key = try input.headers.idempotencyKey.map { key throws(GatewayError) in
            try Validation.idempotencyKey(key)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let requestHash = SHA256Digest.hash((try? encoder.encode(body)) ?? Data())
        if let key,
            let earlier = try await records({ () throws(GatewayStoreError) in
                try await store.message(instanceID: instance.id, idempotencyKey: key)
            })
        {
            guard earlier.requestHash == requestHash else { throw GatewayError.idempotencyConflict }
            return .ok(.init(body: .json(.init(earlier))))
        }
        let request = try await outboundRequest(body, instance: instance)
        let now = Date()
        let record = MessageRecord(
            instanceID: instance.id, id: MessageID.generate(ownUser: instance.phoneNumber ?? "0", at: now),
            direction: .outbound, chat: request.to, sender: instance.jid ?? "", type: apiType(request),
            text: request.text ?? request.caption, content: request.content.json(), quotedID: request.quote,
            request: request.encoded(), status: .queued, idempotencyKey: key, requestHash: requestHash,
            messageTime: now, createdAt: now, updatedAt: now)
        let (stored, existing) = try await records { () throws(GatewayStoreError) in
            try await store.enqueue(record)
        }
        if existing { return .ok(.init(body: .json(.init(stored)))) }
        metrics.accepted(instance: instance.id)
        await registry.existingRuntime(instance.id)?.wake()
        return .accepted(.init(body: .json(.init(stored))))
    }

    func listMessages(_ input: Operations.ListMessages.Input) async throws -> Operations.ListMessages.Output {
        let instance = try await ownInstance(input.path.instanceId)
        let limit = try Validation.limit(input.query.limit)
        let chat = try input.query.chat.map { chat throws(GatewayError) in
            try Validation.recipient(chat, field: "chat").description
        }
        let direction = input.query.direction.map { $0 == .inbound ? MessageDirection.inbound : .outbound }
        let page = try await records { () throws(GatewayStoreError) in
            try await store.messages(
                instanceID: instance.id, direction: direction, chat: chat, after: input.query.cursor,
                limit: limit)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.items.map { Components.Schemas.Message($0) }, nextCursor: page.nextCursor)
                )))
    }

    func getMessage(_ input: Operations.GetMessage.Input) async throws -> Operations.GetMessage.Output {
        let instance = try await ownInstance(input.path.instanceId)
        return .ok(.init(body: .json(.init(try await message(input.path.messageId, of: instance)))))
    }

    func downloadMedia(_ input: Operations.DownloadMedia.Input) async throws
        -> Operations.DownloadMedia.Output
    {
        let instance = try await ownInstance(input.path.instanceId)
        let record = try await message(input.path.messageId, of: instance)
        let content = MessageContent.parse(record.content)
        let bytes: Data
        let mimetype: String
        if let media = StoredMedia.parse(record.media) {
            guard let runtime = await registry.existingRuntime(instance.id),
                let session = await runtime.session
            else {
                throw GatewayError.unavailable("The instance is not running; connect it to download media.")
            }
            do { bytes = try await session.download(media.reference) } catch {
                throw GatewayError.unavailable("Downloading the media failed: \(error)")
            }
            mimetype = media.mimetype ?? "application/octet-stream"
        } else if let request = record.request.flatMap(OutboundRequest.decode),
            let uploadID = request.media?.uploadID,
            let upload = try await records({ () throws(GatewayStoreError) in
                try await store.upload(uploadID, instanceID: instance.id)
            })
        {
            bytes = upload.data
            mimetype = upload.mimetype
        } else {
            throw GatewayError.notFound("Message \(record.id) has no media to download.")
        }
        RequestScope.setResponseContentType(mimetype)
        let disposition = content.fileName.map {
            "attachment; filename=\"\($0.filter { $0 != "\"" && $0 != "\\" })\""
        }
        return .ok(.init(headers: .init(contentDisposition: disposition), body: .any(HTTPBody(bytes))))
    }

    func markMessageRead(_ input: Operations.MarkMessageRead.Input) async throws
        -> Operations.MarkMessageRead.Output
    {
        let instance = try await ownInstance(input.path.instanceId)
        let record = try await message(input.path.messageId, of: instance)
        guard record.direction == .inbound else {
            throw GatewayError.conflict("Only received messages can be marked read.")
        }
        guard let runtime = await registry.existingRuntime(instance.id), let session = await runtime.session,
            await runtime.status == .connected
        else {
            throw GatewayError.unavailable(
                "The instance is not connected; the read receipt cannot be sent now.")
        }
        let chat = try JID(parsing: record.chat)
        let sender = chat.isGroup ? try? JID(parsing: record.sender) : nil
        do { try await session.markRead([record.id], in: chat, sender: sender) } catch {
            throw GatewayError.unavailable("The read receipt could not be sent: \(error)")
        }
        try await records { () throws(GatewayStoreError) in
            try await store.markInboundRead(instanceID: instance.id, ids: [record.id])
        }
        return .noContent(.init())
    }

    func uploadMedia(_ input: Operations.UploadMedia.Input) async throws -> Operations.UploadMedia.Output {
        let instance = try await ownInstance(input.path.instanceId)
        guard case .any(let body) = input.body else {
            throw GatewayError.malformedBody("Send the file as the body.")
        }
        let mimetype = try Validation.mimetype(RequestScope.requestContentType ?? "", field: "Content-Type")
        let fileName = try input.query.fileName.map { name throws(GatewayError) in
            try Validation.text(name, field: "fileName", maximum: 255)
        }
        let data: Data
        do { data = try await Data(collecting: body, upTo: limits.maximumMediaSize) } catch {
            throw GatewayError.mediaTooLarge(limit: limits.maximumMediaSize)
        }
        guard !data.isEmpty else {
            throw GatewayError.validation(field: "body", detail: "The file is empty.")
        }
        let upload = try await saveUpload(data, mimetype: mimetype, fileName: fileName, instance: instance)
        return .created(
            .init(
                body: .json(
                    .init(
                        uploadId: upload.id.uuidString.lowercased(), size: Int64(upload.size),
                        mimetype: upload.mimetype,
                        sha256: upload.sha256.map { String(format: "%02x", $0) }.joined(),
                        fileName: upload.fileName))))
    }

    func saveUpload(_ data: Data, mimetype: String, fileName: String?, instance: InstanceRecord)
        async throws(GatewayError)
        -> MediaUpload
    {
        let upload = MediaUpload(
            id: UUID(), instanceID: instance.id, mimetype: mimetype, fileName: fileName, size: data.count,
            sha256: SHA256Digest.hash(data), data: data, createdAt: Date())
        try await records { () throws(GatewayStoreError) in try await store.saveUpload(upload) }
        return upload
    }

    /// A message of the instance, or 404.
    func message(_ id: String, of instance: InstanceRecord) async throws(GatewayError) -> MessageRecord {
        let messageID = try Validation.messageID(id)
        guard
            let record = try await records({ () throws(GatewayStoreError) in
                try await store.message(instanceID: instance.id, id: messageID)
            })
        else { throw .notFound("No message \(id.prefix(64)).") }
        return record
    }

    private func apiType(_ request: OutboundRequest) -> String {
        request.type == "audio" && request.voiceNote == true ? "voice_note" : request.type
    }
}
