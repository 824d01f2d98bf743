/// Every schema step the store knows, in order. A database is brought up to date by running
/// the ones it has not recorded yet.
public enum Migrations {
    public static let all: [Migration] = [.gatewayCore, .deviceState, .events]
}
