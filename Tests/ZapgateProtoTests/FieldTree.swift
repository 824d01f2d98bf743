import Foundation
import ZapgateTestSupport

/// A message described by field number only, the common ground between our generated types and
/// the oracle's schema: names may differ between the two schemas, numbers and value kinds may not.
///
/// The JSON form matches `Oracles/waproto_oracle.py`.
struct FieldTree: Equatable, CustomStringConvertible {
    /// One decoded value, grouped by how it travels rather than by its exact proto type.
    enum Value: Equatable {
        case int(Int64)
        case uint(UInt64)
        case enumeration(Int)
        case bool(Bool)
        case string(String)
        case bytes(Data)
        /// IEEE 754 bits, so NaN payloads and -0.0 compare exactly.
        case double(UInt64)
        case float(UInt32)
        case message(FieldTree)
    }

    enum Entry: Equatable {
        case single(Value)
        case repeated([Value])
    }

    var fields: [Int: Entry] = [:]
    /// What the reader did not recognise: raw bytes on our side, field numbers on theirs.
    var unknown: [String] = []

    /// True when no message at any depth holds fields its reader did not know.
    var isFullyKnown: Bool {
        guard unknown.isEmpty else { return false }
        return fields.values.allSatisfy { entry in
            switch entry {
            case .single(let value): value.isFullyKnown
            case .repeated(let values): values.allSatisfy(\.isFullyKnown)
            }
        }
    }

    /// How many fields are set, counting nested messages' fields too.
    var fieldCount: Int {
        fields.values.reduce(0) { total, entry in
            switch entry {
            case .single(let value): total + 1 + value.nestedFieldCount
            case .repeated(let values): total + 1 + values.reduce(0) { $0 + $1.nestedFieldCount }
            }
        }
    }

    var description: String {
        let data = try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "<unprintable>"
    }
}

extension FieldTree.Value {
    fileprivate var isFullyKnown: Bool {
        if case .message(let tree) = self { return tree.isFullyKnown }
        return true
    }

    fileprivate var nestedFieldCount: Int {
        if case .message(let tree) = self { return tree.fieldCount }
        return 0
    }
}

// MARK: - JSON

/// Why a tree from the oracle could not be read.
struct FieldTreeFormatError: Error, CustomStringConvertible {
    let description: String
}

extension FieldTree {
    var json: [String: Any] {
        var object: [String: Any] = [:]
        for (number, entry) in fields {
            switch entry {
            case .single(let value): object[String(number)] = value.json
            case .repeated(let values): object[String(number)] = values.map(\.json)
            }
        }
        if !unknown.isEmpty { object["unknown"] = unknown }
        return object
    }

    init(json object: [String: Any]) throws(FieldTreeFormatError) {
        for (key, item) in object {
            if key == "unknown" {
                guard let list = item as? [Any] else {
                    throw FieldTreeFormatError(description: "unknown: \(item)")
                }
                unknown = list.map { "\($0)" }
                continue
            }
            guard let number = Int(key) else { throw FieldTreeFormatError(description: "field key \(key)") }
            if let list = item as? [Any] {
                var values: [Value] = []
                for element in list { values.append(try Value(json: element)) }
                fields[number] = .repeated(values)
            } else {
                fields[number] = .single(try Value(json: item))
            }
        }
    }
}

extension FieldTree.Value {
    var json: [String: Any] {
        switch self {
        case .int(let value): ["int": String(value)]
        case .uint(let value): ["uint": String(value)]
        case .enumeration(let value): ["enum": value]
        case .bool(let value): ["bool": value]
        case .string(let value): ["string": value]
        case .bytes(let value): ["bytes": value.hex]
        case .double(let bits): ["double": Self.hex(bits, digits: 16)]
        case .float(let bits): ["float": Self.hex(UInt64(bits), digits: 8)]
        case .message(let tree): ["message": tree.json]
        }
    }

    init(json item: Any) throws(FieldTreeFormatError) {
        guard let object = item as? [String: Any], object.count == 1, let (kind, raw) = object.first else {
            throw FieldTreeFormatError(description: "value \(item)")
        }
        let bad = FieldTreeFormatError(description: "\(kind) value \(raw)")
        switch kind {
        case "int":
            guard let text = raw as? String, let value = Int64(text) else { throw bad }
            self = .int(value)
        case "uint":
            guard let text = raw as? String, let value = UInt64(text) else { throw bad }
            self = .uint(value)
        case "enum":
            guard let value = raw as? Int else { throw bad }
            self = .enumeration(value)
        case "bool":
            guard let value = raw as? Bool else { throw bad }
            self = .bool(value)
        case "string":
            guard let value = raw as? String else { throw bad }
            self = .string(value)
        case "bytes":
            guard let text = raw as? String, let value = Data(hex: text) else { throw bad }
            self = .bytes(value)
        case "double":
            guard let text = raw as? String, let value = UInt64(text, radix: 16) else { throw bad }
            self = .double(value)
        case "float":
            guard let text = raw as? String, let value = UInt32(text, radix: 16) else { throw bad }
            self = .float(value)
        case "message":
            guard let nested = raw as? [String: Any] else { throw bad }
            self = .message(try FieldTree(json: nested))
        default:
            throw bad
        }
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
