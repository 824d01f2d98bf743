import Foundation

/// One JSON object an oracle printed on a line of its own.
///
/// The line is kept as bytes (which are `Sendable`) and parsed when asked, so events can cross
/// tasks freely.
public struct OracleEvent: Sendable, CustomStringConvertible {
    /// The line as the oracle printed it, without the newline.
    public let line: Data

    /// The parsed object, or an empty one when the line is not a JSON object.
    public var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] ?? [:]
    }

    /// The `"event"` field, which every event of a streaming oracle carries.
    public var name: String? { object["event"] as? String }

    /// A string field.
    public func string(_ key: String) -> String? { object[key] as? String }

    /// An integer field.
    public func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }

    /// A boolean field.
    public func bool(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }

    public var description: String { String(decoding: line, as: UTF8.self) }
}
