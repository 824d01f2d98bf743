/// The reason code of a `<failure reason="N">`, the server's refusal of a login.
public struct ConnectFailure: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let generic = ConnectFailure(rawValue: 400)
    public static let loggedOut = ConnectFailure(rawValue: 401)
    public static let temporarilyBanned = ConnectFailure(rawValue: 402)
    /// The main device is gone or the account is locked.
    public static let mainDeviceGone = ConnectFailure(rawValue: 403)
    public static let clientOutdated = ConnectFailure(rawValue: 405)
    public static let banned = ConnectFailure(rawValue: 406)
    public static let badUserAgent = ConnectFailure(rawValue: 409)
    public static let internalServerError = ConnectFailure(rawValue: 500)
    public static let serviceUnavailable = ConnectFailure(rawValue: 503)

    /// Whether the device's credentials are dead: the clients delete their store for these.
    public var meansLoggedOut: Bool { [401, 403, 406].contains(rawValue) }
    /// Whether trying again later may work.
    public var isTransient: Bool { [500, 503].contains(rawValue) }

    public var description: String {
        switch rawValue {
        case 400: "400 generic failure"
        case 401: "401 logged out"
        case 402: "402 temporarily banned"
        case 403: "403 main device gone"
        case 405: "405 client outdated"
        case 406: "406 banned"
        case 409: "409 bad user agent"
        case 500: "500 internal server error"
        case 503: "503 service unavailable"
        default: "\(rawValue)"
        }
    }
}
