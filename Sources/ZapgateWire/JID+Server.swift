extension JID {
    /// The part of a JID after `@`. Any string is allowed so that servers we do not know yet
    /// still round-trip; the known ones are constants here.
    public struct Server: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        public var description: String { rawValue }

        /// `s.whatsapp.net`: accounts by phone number ("PN").
        public static let phoneNumber: Server = "s.whatsapp.net"
        /// `lid`: accounts by their hidden "LID" identity.
        public static let lid: Server = "lid"
        /// `g.us`: groups.
        public static let group: Server = "g.us"
        /// `broadcast`: broadcast lists and `status@broadcast`.
        public static let broadcast: Server = "broadcast"
        /// `newsletter`: channels.
        public static let newsletter: Server = "newsletter"
        /// `hosted`: phone-number accounts hosted by a business solution provider.
        public static let hosted: Server = "hosted"
        /// `hosted.lid`: LID accounts hosted by a business solution provider.
        public static let hostedLID: Server = "hosted.lid"
        /// `msgr`: Messenger accounts (encoded as FB_JID).
        public static let messenger: Server = "msgr"
        /// `interop`: accounts on other messaging networks (encoded as INTEROP_JID).
        public static let interop: Server = "interop"
        /// `bot`: Meta AI and other bots.
        public static let bot: Server = "bot"
        /// `c.us`: the legacy user server of the pre-multi-device protocol.
        public static let legacyUser: Server = "c.us"
    }

    /// The domain type of an AD_JID encoding and of the Signal address name: 0 for phone
    /// numbers, 1 for LID, 128 for hosted, 129 for hosted LID, otherwise the raw agent.
    public var domainType: UInt8 {
        switch server {
        case .phoneNumber: 0
        case .lid: 1
        case .hosted: 128
        case .hostedLID: 129
        default: rawAgent
        }
    }

    /// The server an AD_JID with this domain type lives on (anything unknown is a phone-number
    /// JID whose domain type is its raw agent).
    static func server(forDomainType domainType: UInt8) -> Server {
        switch domainType {
        case 1: .lid
        case 128: .hosted
        case 129: .hostedLID
        default: .phoneNumber
        }
    }
}
