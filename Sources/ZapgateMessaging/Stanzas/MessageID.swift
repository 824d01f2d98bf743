import Foundation
import ZapgateCrypto

/// Message ids in the format the web client uses: `3EB0` and 18 uppercase hex digits of a
/// hash over the time, our own user and random bytes, 22 characters in all.
public enum MessageID {
    /// A fresh id for a message sent by `ownUser` (the phone number of our account).
    public static func generate(ownUser: String, at date: Date = Date()) -> String {
        let seconds = UInt64(max(0, date.timeIntervalSince1970))
        var time = Data(count: 8)
        for index in 0..<8 { time[index] = UInt8(truncatingIfNeeded: seconds >> (56 - 8 * UInt64(index))) }
        let digest = SHA256Digest.hash(time, Data((ownUser + "@c.us").utf8), SecureRandom.bytes(16))
        return "3EB0" + digest.prefix(9).map { String(format: "%02X", $0) }.joined()
    }
}
