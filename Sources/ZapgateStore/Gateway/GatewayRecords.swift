import Foundation

/// A plan: how many instances a tenant on it may have, and how often it may ask for a QR or
/// pairing code.
public struct Plan: Sendable, Equatable {
    public var name: String
    public var maxInstances: Int
    public var linkAttemptsPerHour: Int

    public init(name: String, maxInstances: Int, linkAttemptsPerHour: Int) {
        self.name = name
        self.maxInstances = maxInstances
        self.linkAttemptsPerHour = linkAttemptsPerHour
    }
}

public struct Tenant: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var plan: String
    public var createdAt: Date
}

/// A tenant's API key as listed: never the secret, which exists only as its hash.
public struct APIKey: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    /// The first characters of the key, so a user can tell keys apart.
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?
}

/// Whether the owner wants an instance connected; a restart brings back the `running` ones.
public enum DesiredState: String, Sendable, Equatable {
    case running
    case stopped
}

/// Where an instance is in its life (docs/api.md has the transitions).
public enum InstanceStatus: String, Sendable, Equatable, CaseIterable {
    case disconnected
    case connecting
    case awaitingLink = "awaiting_link"
    case connected
    case reconnecting
    case loggedOut = "logged_out"
    case failed
}

public struct InstanceRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    public var desiredState: DesiredState
    public var status: InstanceStatus
    public var statusSince: Date
    /// Why the instance last failed or lost its connection: a stable code and the details.
    public var lastError: InstanceError?
    public var phoneNumber: String?
    public var jid: String?
    public var lid: String?
    public var platform: String?
    public var createdAt: Date
}

/// A failure kept on an instance until the next one replaces it.
public struct InstanceError: Sendable, Equatable {
    /// `replaced`, `client_outdated`, `refused`, `qr_expired`, `pairing_rejected`,
    /// `connection_lost`, `logged_out`.
    public var code: String
    public var message: String
    public var at: Date

    public init(code: String, message: String, at: Date) {
        self.code = code
        self.message = message
        self.at = at
    }
}

public enum MessageDirection: String, Sendable, Equatable {
    case inbound
    case outbound
}

/// A message's state. Outbound ones move queued → sent → delivered → read → played, or to
/// failed; inbound ones are received, then read once we send a read receipt.
public enum MessageState: String, Sendable, Equatable {
    case queued
    case sent
    case delivered
    case read
    case played
    case failed
    case received

    /// Later states never go back to earlier ones (a late delivery receipt after a read).
    public var rank: Int {
        switch self {
        case .queued, .received: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .played: 4
        case .failed: 5
        }
    }
}

/// A message as stored: the outbound queue and what arrived, in one table.
public struct MessageRecord: Sendable, Equatable {
    /// The order messages were stored in; the send queue and listings follow it.
    public var seq: Int64
    public var instanceID: UUID
    /// The WhatsApp message id (ours for outbound).
    public var id: String
    public var direction: MessageDirection
    public var chat: String
    public var sender: String
    /// The API's message type name.
    public var type: String
    public var text: String?
    /// The kind's fields as a JSON object.
    public var content: String
    public var quotedID: String?
    /// For outbound messages, what the API accepted (JSON), to be sent.
    public var request: Data?
    /// For received media, what is needed to download it (JSON).
    public var media: String?
    public var status: MessageState
    public var failureReason: String?
    public var idempotencyKey: String?
    public var requestHash: Data?
    public var attempts: Int
    public var messageTime: Date
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        seq: Int64 = 0, instanceID: UUID, id: String, direction: MessageDirection, chat: String,
        sender: String, type: String, text: String?, content: String, quotedID: String? = nil,
        request: Data? = nil, media: String? = nil, status: MessageState, failureReason: String? = nil,
        idempotencyKey: String? = nil, requestHash: Data? = nil, attempts: Int = 0, messageTime: Date,
        createdAt: Date, updatedAt: Date
    ) {
        self.seq = seq
        self.instanceID = instanceID
        self.id = id
        self.direction = direction
        self.chat = chat
        self.sender = sender
        self.type = type
        self.text = text
        self.content = content
        self.quotedID = quotedID
        self.request = request
        self.media = media
        self.status = status
        self.failureReason = failureReason
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.attempts = attempts
        self.messageTime = messageTime
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Bytes a tenant uploaded to send later.
public struct MediaUpload: Sendable, Equatable {
    public var id: UUID
    public var instanceID: UUID
    public var mimetype: String
    public var fileName: String?
    public var size: Int
    public var sha256: Data
    public var data: Data
    public var createdAt: Date

    public init(
        id: UUID, instanceID: UUID, mimetype: String, fileName: String?, size: Int, sha256: Data, data: Data,
        createdAt: Date
    ) {
        self.id = id
        self.instanceID = instanceID
        self.mimetype = mimetype
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.data = data
        self.createdAt = createdAt
    }
}
