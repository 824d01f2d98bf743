extension JID {
    /// `s.whatsapp.net` itself: the sender of `<iq>` replies and the target of most queries.
    public static let whatsAppServer = JID(server: .phoneNumber)
    /// `g.us` itself: the target of group queries.
    public static let groupServer = JID(server: .group)
    /// `broadcast` itself.
    public static let broadcastServer = JID(server: .broadcast)
    /// `status@broadcast`: the status ("stories") broadcast.
    public static let statusBroadcast = JID(user: "status", server: .broadcast)
    /// `0@s.whatsapp.net`: WhatsApp's public service announcements.
    public static let publicServiceAnnouncements = JID(user: "0", server: .phoneNumber)
    /// `0@c.us`: the legacy address of the announcements.
    public static let legacyPublicServiceAnnouncements = JID(user: "0", server: .legacyUser)
    /// `16505361212@c.us`: the official WhatsApp business account.
    public static let officialBusiness = JID(user: "16505361212", server: .legacyUser)
    /// `13135550002@s.whatsapp.net`: Meta AI by phone number.
    public static let metaAI = JID(user: "13135550002", server: .phoneNumber)
    /// `867051314767696@bot`: Meta AI on the bot server.
    public static let metaAIBot = JID(user: "867051314767696", server: .bot)
}

extension JID {
    /// An account by phone number (`s.whatsapp.net`).
    public var isPhoneNumberUser: Bool { server == .phoneNumber && !user.isEmpty }
    /// An account by LID (`lid`).
    public var isLIDUser: Bool { server == .lid && !user.isEmpty }
    /// A group (`g.us`).
    public var isGroup: Bool { server == .group && !user.isEmpty }
    /// The status broadcast (`status@broadcast`).
    public var isStatusBroadcast: Bool { self == .statusBroadcast }
    /// A broadcast list other than the status broadcast.
    public var isBroadcastList: Bool {
        server == .broadcast && !user.isEmpty && user != JID.statusBroadcast.user
    }
    /// A newsletter (channel).
    public var isNewsletter: Bool { server == .newsletter && !user.isEmpty }
}
