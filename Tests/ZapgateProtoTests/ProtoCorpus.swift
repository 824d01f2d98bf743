import Foundation
import SwiftProtobuf
import ZapgateProto
import ZapgateTestSupport

/// One message of the interop corpus and the name the oracle's schema gives its type.
struct CorpusEntry {
    let label: String
    let message: any SwiftProtobuf.Message
    let theirType: String
}

/// Builds varied but reproducible messages of every type in our schema, with nesting where
/// WhatsApp nests: replies quoting other messages, edits carrying new content, device-sent
/// copies and disappearing or view-once wrappers.
struct ProtoCorpus {
    var random: RandomValues

    init(seed: UInt64) { random = RandomValues(seed: seed) }

    /// The WhatsApp corpus, checked against baileys-python's WAProto (package `proto`).
    mutating func waprotoEntries(variants: Int) -> [CorpusEntry] {
        var entries: [CorpusEntry] = []
        func add(
            _ label: String, _ theirType: String, _ make: (inout ProtoCorpus) -> any SwiftProtobuf.Message
        ) {
            for index in 0..<variants {
                entries.append(
                    CorpusEntry(label: "\(label) #\(index)", message: make(&self), theirType: theirType))
            }
        }
        add("handshake client hello", "proto.HandshakeMessage") { $0.clientHello() }
        add("handshake server hello", "proto.HandshakeMessage") { $0.serverHello() }
        add("handshake client finish", "proto.HandshakeMessage") { $0.clientFinish() }
        add("cert chain", "proto.CertChain") { $0.certChain() }
        add("cert details", "proto.CertChain.NoiseCertificate.Details") { $0.certDetails() }
        add("client payload registration", "proto.ClientPayload") { $0.registrationPayload() }
        add("client payload login", "proto.ClientPayload") { $0.loginPayload() }
        add("device props", "proto.DeviceProps") { $0.deviceProps() }
        add("adv signed identity hmac", "proto.ADVSignedDeviceIdentityHMAC") { $0.advIdentityHMAC() }
        add("adv signed identity", "proto.ADVSignedDeviceIdentity") { $0.advSignedIdentity() }
        add("adv device identity", "proto.ADVDeviceIdentity") { $0.advDeviceIdentity() }
        add("adv key index list", "proto.ADVKeyIndexList") { $0.advKeyIndexList() }
        add("adv signed key index list", "proto.ADVSignedKeyIndexList") { $0.advSignedKeyIndexList() }
        add("message key", "proto.MessageKey") { $0.messageKey() }
        add("text", "proto.Message") { $0.textMessage() }
        add("extended text replying", "proto.Message") { $0.extendedTextMessage(depth: 2) }
        add("image quoting text", "proto.Message") { $0.imageMessage(depth: 2) }
        add("video", "proto.Message") { $0.videoMessage(depth: 1) }
        add("audio", "proto.Message") { $0.audioMessage(depth: 1) }
        add("document", "proto.Message") { $0.documentMessage(depth: 1) }
        add("sticker", "proto.Message") { $0.stickerMessage(depth: 1) }
        add("location", "proto.Message") { $0.locationMessage(depth: 1) }
        add("contact", "proto.Message") { $0.contactMessage(depth: 1) }
        add("reaction", "proto.Message") { $0.reactionMessage() }
        add("revoke", "proto.Message") { $0.revokeMessage() }
        add("edit", "proto.Message") { $0.editMessage(depth: 2) }
        add("sender key distribution", "proto.Message") { $0.senderKeyDistribution() }
        add("device sent", "proto.Message") { $0.deviceSent(depth: 2) }
        add("wrapped (ephemeral, view once, …)", "proto.Message") { $0.wrapped(depth: 2) }
        add("random content", "proto.Message") { $0.anyMessage(depth: 3) }
        return entries
    }

    /// libsignal's wire messages, checked against python-axolotl (package `textsecure`).
    mutating func signalEntries(variants: Int) -> [CorpusEntry] {
        var entries: [CorpusEntry] = []
        for index in 0..<variants {
            entries.append(
                CorpusEntry(
                    label: "signal message #\(index)", message: signalMessage(),
                    theirType: "textsecure.WhisperMessage"))
            entries.append(
                CorpusEntry(
                    label: "prekey signal message #\(index)", message: preKeySignalMessage(),
                    theirType: "textsecure.PreKeyWhisperMessage"))
            entries.append(
                CorpusEntry(
                    label: "sender key message #\(index)", message: senderKeyMessage(),
                    theirType: "textsecure.SenderKeyMessage"))
            entries.append(
                CorpusEntry(
                    label: "sender key distribution #\(index)", message: axolotlSenderKeyDistribution(),
                    theirType: "textsecure.SenderKeyDistributionMessage"))
        }
        return entries
    }
}

// MARK: - Handshake and certificates

extension ProtoCorpus {
    mutating func clientHello() -> WAHandshakeMessage {
        var message = WAHandshakeMessage()
        message.clientHello.ephemeral = random.bytes(exactly: 32)
        if random.chance(0.2) { message.clientHello.static = random.bytes() }
        if random.chance(0.2) { message.clientHello.payload = random.bytes() }
        return message
    }

    mutating func serverHello() -> WAHandshakeMessage {
        var message = WAHandshakeMessage()
        message.serverHello.ephemeral = random.bytes(exactly: 32)
        message.serverHello.static = random.bytes(exactly: 48)
        message.serverHello.payload = random.bytes(100...400)
        return message
    }

    mutating func clientFinish() -> WAHandshakeMessage {
        var message = WAHandshakeMessage()
        message.clientFinish.static = random.bytes(exactly: 48)
        message.clientFinish.payload = random.bytes(100...600)
        return message
    }

    mutating func certDetails() -> WACertChain.NoiseCertificate.Details {
        var details = WACertChain.NoiseCertificate.Details()
        details.serial = random.uint32()
        if random.chance(0.8) { details.issuerSerial = random.uint32() }
        details.key = random.bytes(exactly: 32)
        if random.chance(0.8) { details.notBefore = UInt64(random.timestamp()) }
        if random.chance(0.8) { details.notAfter = random.uint64() }
        return details
    }

    mutating func noiseCertificate() -> WACertChain.NoiseCertificate {
        var certificate = WACertChain.NoiseCertificate()
        certificate.details = (try? certDetails().serializedBytes()) ?? Data()
        certificate.signature = random.bytes(exactly: 64)
        return certificate
    }

    mutating func certChain() -> WACertChain {
        var chain = WACertChain()
        chain.leaf = noiseCertificate()
        if random.chance(0.9) { chain.intermediate = noiseCertificate() }
        return chain
    }
}

// MARK: - Client payload and device props

extension ProtoCorpus {
    mutating func userAgent() -> WAClientPayload.UserAgent {
        var agent = WAClientPayload.UserAgent()
        agent.platform = random.element(WAClientPayload.UserAgent.Platform.allCases) ?? .web
        agent.appVersion.primary = 2
        agent.appVersion.secondary = 3000
        agent.appVersion.tertiary = random.uint32()
        if random.chance(0.3) { agent.appVersion.quaternary = random.uint32() }
        if random.chance(0.3) { agent.appVersion.quinary = random.uint32() }
        agent.mcc = "000"
        agent.mnc = "000"
        agent.osVersion = random.element(["0.1", "10.15.7", "14.4"]) ?? "0.1"
        if random.chance() { agent.manufacturer = random.text(1...2) }
        agent.device = random.element(["Desktop", "Chrome", "Zapgate"]) ?? "Desktop"
        agent.osBuildNumber = "0.1"
        if random.chance(0.3) { agent.phoneID = random.bytes(exactly: 16).hex }
        agent.releaseChannel = random.element(WAClientPayload.UserAgent.ReleaseChannel.allCases) ?? .release
        agent.localeLanguageIso6391 = random.element(["en", "pt", "de"]) ?? "en"
        agent.localeCountryIso31661Alpha2 = random.element(["US", "BR", "DE"]) ?? "US"
        if random.chance(0.3) {
            agent.deviceType = random.element(WAClientPayload.UserAgent.DeviceType.allCases) ?? .desktop
        }
        return agent
    }

    mutating func basePayload() -> WAClientPayload {
        var payload = WAClientPayload()
        payload.userAgent = userAgent()
        payload.webInfo.webSubPlatform =
            random.element(WAClientPayload.WebInfo.WebSubPlatform.allCases) ?? .webBrowser
        if random.chance(0.3) { payload.webInfo.refToken = random.text(1...3) }
        if random.chance(0.3) { payload.webInfo.version = "2.3000.\(random.uint32())" }
        payload.connectType = random.element(WAClientPayload.ConnectType.allCases) ?? .wifiUnknown
        payload.connectReason = random.element(WAClientPayload.ConnectReason.allCases) ?? .userActivated
        if random.chance(0.3) { payload.sessionID = random.int32() }
        if random.chance(0.3) { payload.shortConnect = random.chance(0.5) }
        if random.chance(0.3) { payload.shards = (0..<random.int(1...4)).map { _ in random.int32() } }
        if random.chance(0.3) { payload.connectAttemptCount = random.uint32() }
        if random.chance(0.3) {
            payload.product = random.element(WAClientPayload.Product.allCases) ?? .whatsapp
        }
        if random.chance(0.3) { payload.oc = random.chance(0.5) }
        if random.chance(0.2) { payload.paddingBytes = random.bytes() }
        if random.chance(0.3) {
            payload.accountType = random.element(WAClientPayload.AccountType.allCases) ?? .default
        }
        return payload
    }

    mutating func registrationPayload() -> WAClientPayload {
        var payload = basePayload()
        payload.passive = false
        payload.pull = false
        var registration = WAClientPayload.DevicePairingRegistrationData()
        registration.eRegid = random.bytes(exactly: 4)
        registration.eKeytype = Data([0x05])
        registration.eIdent = random.bytes(exactly: 32)
        registration.eSkeyID = random.bytes(exactly: 3)
        registration.eSkeyVal = random.bytes(exactly: 32)
        registration.eSkeySig = random.bytes(exactly: 64)
        registration.buildHash = random.bytes(exactly: 16)
        registration.deviceProps = (try? deviceProps().serializedBytes()) ?? Data()
        payload.devicePairingData = registration
        return payload
    }

    mutating func loginPayload() -> WAClientPayload {
        var payload = basePayload()
        payload.username = UInt64(random.phone()) ?? 15_551_234_567
        payload.device = UInt32(random.int(1...99))
        payload.passive = true
        payload.pull = true
        payload.lidDbMigrated = random.chance(0.5)
        if random.chance() { payload.lc = random.int32() }
        if random.chance() { payload.pushName = random.text(1...3) }
        return payload
    }

    mutating func deviceProps() -> WADeviceProps {
        var props = WADeviceProps()
        props.os = random.element(["whatsmeow", "Zapgate", "Mac OS", "Ubuntu"]) ?? "Zapgate"
        props.version.primary = random.uint32()
        props.version.secondary = random.uint32()
        props.version.tertiary = random.uint32()
        if random.chance(0.2) { props.version.quaternary = random.uint32() }
        if random.chance(0.2) { props.version.quinary = random.uint32() }
        props.platformType = random.element(WADeviceProps.PlatformType.allCases) ?? .unknown
        props.requireFullSync = random.chance(0.5)
        if random.chance(0.8) {
            var config = WADeviceProps.HistorySyncConfig()
            if random.chance(0.3) { config.fullSyncDaysLimit = random.uint32() }
            if random.chance(0.3) { config.fullSyncSizeMbLimit = random.uint32() }
            config.storageQuotaMb = 10240
            config.inlineInitialPayloadInE2EeMsg = true
            if random.chance(0.3) { config.recentSyncDaysLimit = random.uint32() }
            if random.chance() { config.supportCallLogHistory = random.chance(0.5) }
            if random.chance() { config.supportBotUserAgentChatHistory = random.chance(0.5) }
            if random.chance() { config.supportCagReactionsAndPolls = random.chance(0.5) }
            if random.chance() { config.supportBizHostedMsg = random.chance(0.5) }
            if random.chance() { config.supportRecentSyncChunkMessageCountTuning = random.chance(0.5) }
            if random.chance() { config.supportHostedGroupMsg = random.chance(0.5) }
            if random.chance() { config.supportFbidBotChatHistory = random.chance(0.5) }
            if random.chance() { config.supportAddOnHistorySyncMigration = random.chance(0.5) }
            if random.chance() { config.supportMessageAssociation = random.chance(0.5) }
            if random.chance() { config.supportGroupHistory = random.chance(0.5) }
            if random.chance() { config.onDemandReady = random.chance(0.5) }
            if random.chance() { config.supportGuestChat = random.chance(0.5) }
            if random.chance() { config.completeOnDemandReady = random.chance(0.5) }
            props.historySyncConfig = config
        }
        return props
    }
}

// MARK: - ADV identities

extension ProtoCorpus {
    mutating func encryptionType() -> WAADVEncryptionType {
        random.element(WAADVEncryptionType.allCases) ?? .e2Ee
    }

    mutating func advDeviceIdentity() -> WAADVDeviceIdentity {
        var identity = WAADVDeviceIdentity()
        identity.rawID = random.uint32()
        identity.timestamp = UInt64(random.timestamp())
        identity.keyIndex = random.uint32()
        if random.chance() { identity.accountType = encryptionType() }
        if random.chance() { identity.deviceType = encryptionType() }
        return identity
    }

    mutating func advSignedIdentity() -> WAADVSignedDeviceIdentity {
        var signed = WAADVSignedDeviceIdentity()
        signed.details = (try? advDeviceIdentity().serializedBytes()) ?? Data()
        signed.accountSignatureKey = random.bytes(exactly: 32)
        signed.accountSignature = random.bytes(exactly: 64)
        if random.chance(0.7) { signed.deviceSignature = random.bytes(exactly: 64) }
        return signed
    }

    mutating func advIdentityHMAC() -> WAADVSignedDeviceIdentityHMAC {
        var wrapped = WAADVSignedDeviceIdentityHMAC()
        wrapped.details = (try? advSignedIdentity().serializedBytes()) ?? Data()
        wrapped.hmac = random.bytes(exactly: 32)
        if random.chance() { wrapped.accountType = encryptionType() }
        return wrapped
    }

    mutating func advKeyIndexList() -> WAADVKeyIndexList {
        var list = WAADVKeyIndexList()
        list.rawID = random.uint32()
        list.timestamp = UInt64(random.timestamp())
        list.currentIndex = random.uint32()
        list.validIndexes = (0..<random.int(0...6)).map { _ in random.uint32() }
        if random.chance() { list.accountType = encryptionType() }
        return list
    }

    mutating func advSignedKeyIndexList() -> WAADVSignedKeyIndexList {
        var signed = WAADVSignedKeyIndexList()
        signed.details = (try? advKeyIndexList().serializedBytes()) ?? Data()
        signed.accountSignature = random.bytes(exactly: 64)
        if random.chance() { signed.accountSignatureKey = random.bytes(exactly: 32) }
        return signed
    }
}

// MARK: - E2E messages

extension ProtoCorpus {
    mutating func messageKey() -> WAMessageKey {
        var key = WAMessageKey()
        key.remoteJid = random.jid()
        key.fromMe = random.chance(0.5)
        key.id = random.messageID()
        if random.chance(0.4) { key.participant = random.jid() }
        return key
    }

    /// A reply context; at depth > 0 it quotes another (shallower) message.
    mutating func contextInfo(depth: Int) -> WAContextInfo {
        var context = WAContextInfo()
        if depth > 0 && random.chance(0.7) {
            context.stanzaID = random.messageID()
            context.participant = random.jid()
            context.quotedMessage = random.chance(0.6) ? textMessage() : anyMessage(depth: depth - 1)
        }
        if random.chance(0.3) { context.remoteJid = random.jid() }
        if random.chance(0.4) { context.mentionedJid = (0..<random.int(1...4)).map { _ in random.jid() } }
        if random.chance(0.2) {
            context.isForwarded = true
            context.forwardingScore = random.uint32()
        }
        if random.chance(0.2) {
            context.expiration = random.element([86_400, 604_800, 7_776_000]) ?? 0
            context.ephemeralSettingTimestamp = random.timestamp()
        }
        return context
    }

    mutating func maybeContext(_ depth: Int) -> WAContextInfo? {
        random.chance(0.5) ? contextInfo(depth: depth) : nil
    }

    mutating func textMessage() -> WAMessage {
        var message = WAMessage()
        message.conversation = random.text()
        return message
    }

    mutating func extendedTextMessage(depth: Int) -> WAMessage {
        var text = WAExtendedTextMessage()
        text.text = random.text(1...10)
        if random.chance(0.3) {
            text.matchedText = "https://example.com/\(random.int(0...999))"
            text.title = random.text(1...3)
            text.description_p = random.text()
            text.previewType = random.element(WAExtendedTextMessage.PreviewType.allCases) ?? .none
            text.jpegThumbnail = random.bytes(0...200)
            if random.chance(0.3) { text.doNotPlayInline = random.chance(0.5) }
        }
        if random.chance(0.2) {
            text.textArgb = random.uint32()
            text.backgroundArgb = random.uint32()
        }
        text.contextInfo = contextInfo(depth: depth)
        var message = WAMessage()
        message.extendedTextMessage = text
        return message
    }

    mutating func imageMessage(depth: Int) -> WAMessage {
        var image = WAImageMessage()
        image.url = "https://media.example.invalid/v/t62.7118-24/\(random.uint64()).enc"
        image.mimetype = "image/jpeg"
        if random.chance() { image.caption = random.text(1...6) }
        image.fileSha256 = random.bytes(exactly: 32)
        image.fileLength = random.uint64()
        image.height = random.uint32()
        image.width = random.uint32()
        image.mediaKey = random.bytes(exactly: 32)
        image.fileEncSha256 = random.bytes(exactly: 32)
        image.directPath = "/v/t62.7118-24/\(random.uint64()).enc"
        image.mediaKeyTimestamp = random.timestamp()
        if random.chance() { image.jpegThumbnail = random.bytes(0...300) }
        if random.chance(0.2) { image.viewOnce = true }
        image.contextInfo = contextInfo(depth: depth)
        var message = WAMessage()
        message.imageMessage = image
        return message
    }

    mutating func videoMessage(depth: Int) -> WAMessage {
        var video = WAVideoMessage()
        video.url = "https://media.example.invalid/v/t62.7161-24/\(random.uint64()).enc"
        video.mimetype = "video/mp4"
        video.fileSha256 = random.bytes(exactly: 32)
        video.fileLength = random.uint64()
        video.seconds = random.uint32()
        video.mediaKey = random.bytes(exactly: 32)
        if random.chance() { video.caption = random.text(1...6) }
        if random.chance(0.3) {
            video.gifPlayback = true
            video.gifAttribution = random.element(WAVideoMessage.Attribution.allCases) ?? .none
        }
        video.height = random.uint32()
        video.width = random.uint32()
        video.fileEncSha256 = random.bytes(exactly: 32)
        video.directPath = "/v/t62.7161-24/\(random.uint64()).enc"
        video.mediaKeyTimestamp = random.timestamp()
        if random.chance() { video.jpegThumbnail = random.bytes(0...300) }
        if random.chance(0.3) { video.streamingSidecar = random.bytes(10...80) }
        if random.chance(0.2) { video.viewOnce = random.chance(0.5) }
        if let context = maybeContext(depth) { video.contextInfo = context }
        var message = WAMessage()
        message.videoMessage = video
        return message
    }

    mutating func audioMessage(depth: Int) -> WAMessage {
        var audio = WAAudioMessage()
        audio.url = "https://media.example.invalid/v/t62.7114-24/\(random.uint64()).enc"
        audio.mimetype = "audio/ogg; codecs=opus"
        audio.fileSha256 = random.bytes(exactly: 32)
        audio.fileLength = random.uint64()
        audio.seconds = random.uint32()
        audio.ptt = random.chance(0.5)
        audio.mediaKey = random.bytes(exactly: 32)
        audio.fileEncSha256 = random.bytes(exactly: 32)
        audio.directPath = "/v/t62.7114-24/\(random.uint64()).enc"
        audio.mediaKeyTimestamp = random.timestamp()
        if random.chance(0.3) { audio.streamingSidecar = random.bytes(10...80) }
        if random.chance(0.5) { audio.waveform = random.bytes(exactly: 64) }
        if random.chance(0.2) { audio.viewOnce = random.chance(0.5) }
        if let context = maybeContext(depth) { audio.contextInfo = context }
        var message = WAMessage()
        message.audioMessage = audio
        return message
    }

    mutating func documentMessage(depth: Int) -> WAMessage {
        var document = WADocumentMessage()
        document.url = "https://media.example.invalid/v/t62.7119-24/\(random.uint64()).enc"
        document.mimetype =
            random.element(["application/pdf", "text/plain", "application/zip"]) ?? "application/pdf"
        document.title = random.text(1...4)
        document.fileSha256 = random.bytes(exactly: 32)
        document.fileLength = random.uint64()
        if random.chance() { document.pageCount = random.uint32() }
        document.mediaKey = random.bytes(exactly: 32)
        document.fileName = random.text(1...3) + ".pdf"
        document.fileEncSha256 = random.bytes(exactly: 32)
        document.directPath = "/v/t62.7119-24/\(random.uint64()).enc"
        document.mediaKeyTimestamp = random.timestamp()
        if random.chance(0.3) { document.jpegThumbnail = random.bytes(0...300) }
        if random.chance() { document.caption = random.text(1...5) }
        if let context = maybeContext(depth) { document.contextInfo = context }
        var message = WAMessage()
        message.documentMessage = document
        return message
    }

    mutating func stickerMessage(depth: Int) -> WAMessage {
        var sticker = WAStickerMessage()
        sticker.url = "https://media.example.invalid/v/t62.15575-24/\(random.uint64()).enc"
        sticker.fileSha256 = random.bytes(exactly: 32)
        sticker.fileEncSha256 = random.bytes(exactly: 32)
        sticker.mediaKey = random.bytes(exactly: 32)
        sticker.mimetype = "image/webp"
        sticker.height = 512
        sticker.width = 512
        sticker.directPath = "/v/t62.15575-24/\(random.uint64()).enc"
        sticker.fileLength = random.uint64()
        sticker.mediaKeyTimestamp = random.timestamp()
        sticker.isAnimated = random.chance(0.5)
        if random.chance(0.3) { sticker.pngThumbnail = random.bytes(0...200) }
        if random.chance(0.3) { sticker.stickerSentTs = random.timestamp(millis: true) }
        if random.chance(0.2) { sticker.isAvatar = random.chance(0.5) }
        if let context = maybeContext(depth) { sticker.contextInfo = context }
        var message = WAMessage()
        message.stickerMessage = sticker
        return message
    }

    mutating func locationMessage(depth: Int) -> WAMessage {
        var location = WALocationMessage()
        location.degreesLatitude = random.double(-90...90)
        location.degreesLongitude = random.double(-180...180)
        if random.chance() { location.name = random.text(1...3) }
        if random.chance() { location.address = random.text(1...6) }
        if random.chance(0.3) { location.url = "https://maps.example.invalid/\(random.int(0...9999))" }
        if random.chance(0.3) {
            location.isLive = true
            location.accuracyInMeters = random.uint32()
            location.speedInMps = random.float(0...80)
            location.degreesClockwiseFromMagneticNorth = UInt32(random.int(0...359))
            location.comment = random.text(1...4)
        }
        if random.chance(0.3) { location.jpegThumbnail = random.bytes(0...200) }
        if let context = maybeContext(depth) { location.contextInfo = context }
        var message = WAMessage()
        message.locationMessage = location
        return message
    }

    mutating func contactMessage(depth: Int) -> WAMessage {
        var contact = WAContactMessage()
        let name = random.text(1...2)
        contact.displayName = name
        contact.vcard =
            "BEGIN:VCARD\nVERSION:3.0\nFN:\(name)\nTEL;type=CELL;waid=\(random.phone()):+\(random.phone())\nEND:VCARD"
        if let context = maybeContext(depth) { contact.contextInfo = context }
        var message = WAMessage()
        message.contactMessage = contact
        return message
    }

    mutating func reactionMessage() -> WAMessage {
        var reaction = WAReactionMessage()
        reaction.key = messageKey()
        reaction.text = random.element(["👍", "❤️", "😂", "", "🙏🏽"]) ?? ""
        if random.chance(0.3) { reaction.groupingKey = reaction.text }
        reaction.senderTimestampMs = random.timestamp(millis: true)
        var message = WAMessage()
        message.reactionMessage = reaction
        return message
    }

    mutating func revokeMessage() -> WAMessage {
        var control = WAProtocolMessage()
        control.key = messageKey()
        control.type = .revoke
        if random.chance(0.3) { control.timestampMs = random.timestamp(millis: true) }
        var message = WAMessage()
        message.protocolMessage = control
        if random.chance(0.3) { message.messageContextInfo = messageContextInfo() }
        return message
    }

    mutating func editMessage(depth: Int) -> WAMessage {
        var control = WAProtocolMessage()
        control.key = messageKey()
        control.type = .messageEdit
        control.editedMessage = random.chance(0.5) ? textMessage() : anyMessage(depth: depth - 1)
        control.timestampMs = random.timestamp(millis: true)
        var message = WAMessage()
        if random.chance(0.5) {
            // Newer senders wrap the edit in Message.editedMessage.
            var inner = WAMessage()
            inner.protocolMessage = control
            message.editedMessage.message = inner
        } else {
            message.protocolMessage = control
        }
        return message
    }

    mutating func otherProtocolMessage() -> WAMessage {
        var control = WAProtocolMessage()
        control.type = random.element(WAProtocolMessage.TypeEnum.allCases) ?? .ephemeralSetting
        if random.chance() { control.ephemeralExpiration = random.uint32() }
        if random.chance() { control.ephemeralSettingTimestamp = random.timestamp() }
        var message = WAMessage()
        message.protocolMessage = control
        return message
    }

    mutating func senderKeyDistribution() -> WAMessage {
        var message = random.chance(0.5) ? textMessage() : imageMessage(depth: 0)
        message.senderKeyDistributionMessage.groupID = "\(random.phone())-\(random.timestamp())@g.us"
        message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage =
            Data([0x33]) + ((try? axolotlSenderKeyDistribution().serializedBytes()) ?? Data())
        return message
    }

    mutating func messageContextInfo() -> WAMessageContextInfo {
        var info = WAMessageContextInfo()
        if random.chance(0.7) {
            var metadata = WADeviceListMetadata()
            metadata.senderKeyHash = random.bytes(exactly: 10)
            metadata.senderTimestamp = UInt64(random.timestamp())
            if random.chance() {
                metadata.senderKeyIndexes = (0..<random.int(0...4)).map { _ in random.uint32() }
            }
            if random.chance() { metadata.senderAccountType = encryptionType() }
            if random.chance() { metadata.receiverAccountType = encryptionType() }
            metadata.recipientKeyHash = random.bytes(exactly: 10)
            metadata.recipientTimestamp = UInt64(random.timestamp())
            if random.chance() {
                metadata.recipientKeyIndexes = (0..<random.int(0...4)).map { _ in random.uint32() }
            }
            info.deviceListMetadata = metadata
            info.deviceListMetadataVersion = 2
        }
        if random.chance(0.7) { info.messageSecret = random.bytes(exactly: 32) }
        if random.chance(0.2) { info.paddingBytes = random.bytes(1...16) }
        return info
    }

    mutating func deviceSent(depth: Int) -> WAMessage {
        var message = WAMessage()
        message.deviceSentMessage.destinationJid = random.jid()
        message.deviceSentMessage.message = anyMessage(depth: depth - 1)
        if random.chance(0.5) {
            message.deviceSentMessage.phash = "2:" + random.bytes(exactly: 6).base64EncodedString()
        }
        if random.chance(0.5) { message.messageContextInfo = messageContextInfo() }
        return message
    }

    mutating func wrapped(depth: Int) -> WAMessage {
        var wrapper = WAFutureProofMessage()
        wrapper.message = anyMessage(depth: depth - 1)
        var message = WAMessage()
        switch random.int(0...4) {
        case 0: message.ephemeralMessage = wrapper
        case 1: message.viewOnceMessage = wrapper
        case 2: message.viewOnceMessageV2 = wrapper
        case 3: message.viewOnceMessageV2Extension = wrapper
        default: message.documentWithCaptionMessage = wrapper
        }
        return message
    }

    /// Any content kind; at depth 0 only kinds that nest nothing further.
    mutating func anyMessage(depth: Int) -> WAMessage {
        let depth = max(depth, 0)
        let kinds = depth > 0 ? 15 : 12
        var message: WAMessage
        switch random.int(0...(kinds - 1)) {
        case 0: message = textMessage()
        case 1: message = extendedTextMessage(depth: depth)
        case 2: message = imageMessage(depth: depth)
        case 3: message = videoMessage(depth: depth)
        case 4: message = audioMessage(depth: depth)
        case 5: message = documentMessage(depth: depth)
        case 6: message = stickerMessage(depth: depth)
        case 7: message = locationMessage(depth: depth)
        case 8: message = contactMessage(depth: depth)
        case 9: message = reactionMessage()
        case 10: message = revokeMessage()
        case 11: message = otherProtocolMessage()
        case 12: message = editMessage(depth: depth)
        case 13: message = deviceSent(depth: depth)
        default: message = wrapped(depth: depth)
        }
        if random.chance(0.2) { message.messageContextInfo = messageContextInfo() }
        return message
    }
}

// MARK: - Signal wire messages

extension ProtoCorpus {
    mutating func signalMessage() -> WASignalMessage {
        var message = WASignalMessage()
        message.ratchetKey = Data([0x05]) + random.bytes(exactly: 32)
        message.counter = random.uint32()
        message.previousCounter = random.uint32()
        message.ciphertext = random.bytes(16...160)
        return message
    }

    mutating func preKeySignalMessage() -> WAPreKeySignalMessage {
        var message = WAPreKeySignalMessage()
        message.registrationID = random.uint32()
        if random.chance(0.8) { message.preKeyID = random.uint32() }
        message.signedPreKeyID = random.uint32()
        message.baseKey = Data([0x05]) + random.bytes(exactly: 32)
        message.identityKey = Data([0x05]) + random.bytes(exactly: 32)
        message.message =
            Data([0x33]) + ((try? signalMessage().serializedBytes()) ?? Data()) + random.bytes(exactly: 8)
        return message
    }

    mutating func senderKeyMessage() -> WASenderKeyMessage {
        var message = WASenderKeyMessage()
        message.id = random.uint32()
        message.iteration = random.uint32()
        message.ciphertext = random.bytes(16...160)
        return message
    }

    mutating func axolotlSenderKeyDistribution() -> WAAxolotlSenderKeyDistributionMessage {
        var message = WAAxolotlSenderKeyDistributionMessage()
        message.id = random.uint32()
        message.iteration = random.uint32()
        message.chainKey = random.bytes(exactly: 32)
        message.signingKey = Data([0x05]) + random.bytes(exactly: 32)
        return message
    }
}
