import Foundation
import SwiftProtobuf
import ZapgateTestSupport

extension SwiftProtobuf.Message {
    /// This message as the generated code sees it, by field number.
    func fieldTree() throws -> FieldTree {
        var visitor = FieldTreeVisitor()
        try traverse(visitor: &visitor)
        return visitor.tree
    }
}

/// Walks a generated message through swift-protobuf's public `Visitor` hooks, which report each
/// set field with its number and declared kind.
///
/// swift-protobuf's defaults turn a repeated field into one singular call per element, which
/// would lose the list; every repeated kind is therefore overridden. Packed fields fall through
/// to the repeated ones.
struct FieldTreeVisitor: Visitor {
    var tree = FieldTree()

    struct MapFieldsUnsupported: Error {}

    private mutating func single(_ value: FieldTree.Value, _ number: Int) {
        tree.fields[number] = .single(value)
    }

    private mutating func list(_ values: [FieldTree.Value], _ number: Int) {
        tree.fields[number] = .repeated(values)
    }

    // MARK: Singular

    mutating func visitSingularFloatField(value: Float, fieldNumber: Int) throws {
        single(.float(value.bitPattern), fieldNumber)
    }
    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
        single(.double(value.bitPattern), fieldNumber)
    }
    mutating func visitSingularInt32Field(value: Int32, fieldNumber: Int) throws {
        single(.int(Int64(value)), fieldNumber)
    }
    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
        single(.int(value), fieldNumber)
    }
    mutating func visitSingularSInt32Field(value: Int32, fieldNumber: Int) throws {
        single(.int(Int64(value)), fieldNumber)
    }
    mutating func visitSingularSInt64Field(value: Int64, fieldNumber: Int) throws {
        single(.int(value), fieldNumber)
    }
    mutating func visitSingularSFixed32Field(value: Int32, fieldNumber: Int) throws {
        single(.int(Int64(value)), fieldNumber)
    }
    mutating func visitSingularSFixed64Field(value: Int64, fieldNumber: Int) throws {
        single(.int(value), fieldNumber)
    }
    mutating func visitSingularUInt32Field(value: UInt32, fieldNumber: Int) throws {
        single(.uint(UInt64(value)), fieldNumber)
    }
    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
        single(.uint(value), fieldNumber)
    }
    mutating func visitSingularFixed32Field(value: UInt32, fieldNumber: Int) throws {
        single(.uint(UInt64(value)), fieldNumber)
    }
    mutating func visitSingularFixed64Field(value: UInt64, fieldNumber: Int) throws {
        single(.uint(value), fieldNumber)
    }
    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
        single(.bool(value), fieldNumber)
    }
    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        single(.string(value), fieldNumber)
    }
    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
        single(.bytes(value), fieldNumber)
    }
    mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {
        single(.enumeration(value.rawValue), fieldNumber)
    }
    mutating func visitSingularMessageField<M: Message>(value: M, fieldNumber: Int) throws {
        single(.message(try value.fieldTree()), fieldNumber)
    }
    mutating func visitSingularGroupField<G: Message>(value: G, fieldNumber: Int) throws {
        single(.message(try value.fieldTree()), fieldNumber)
    }

    // MARK: Repeated

    mutating func visitRepeatedFloatField(value: [Float], fieldNumber: Int) throws {
        list(value.map { .float($0.bitPattern) }, fieldNumber)
    }
    mutating func visitRepeatedDoubleField(value: [Double], fieldNumber: Int) throws {
        list(value.map { .double($0.bitPattern) }, fieldNumber)
    }
    mutating func visitRepeatedInt32Field(value: [Int32], fieldNumber: Int) throws {
        list(value.map { .int(Int64($0)) }, fieldNumber)
    }
    mutating func visitRepeatedInt64Field(value: [Int64], fieldNumber: Int) throws {
        list(value.map { .int($0) }, fieldNumber)
    }
    mutating func visitRepeatedSInt32Field(value: [Int32], fieldNumber: Int) throws {
        list(value.map { .int(Int64($0)) }, fieldNumber)
    }
    mutating func visitRepeatedSInt64Field(value: [Int64], fieldNumber: Int) throws {
        list(value.map { .int($0) }, fieldNumber)
    }
    mutating func visitRepeatedSFixed32Field(value: [Int32], fieldNumber: Int) throws {
        list(value.map { .int(Int64($0)) }, fieldNumber)
    }
    mutating func visitRepeatedSFixed64Field(value: [Int64], fieldNumber: Int) throws {
        list(value.map { .int($0) }, fieldNumber)
    }
    mutating func visitRepeatedUInt32Field(value: [UInt32], fieldNumber: Int) throws {
        list(value.map { .uint(UInt64($0)) }, fieldNumber)
    }
    mutating func visitRepeatedUInt64Field(value: [UInt64], fieldNumber: Int) throws {
        list(value.map { .uint($0) }, fieldNumber)
    }
    mutating func visitRepeatedFixed32Field(value: [UInt32], fieldNumber: Int) throws {
        list(value.map { .uint(UInt64($0)) }, fieldNumber)
    }
    mutating func visitRepeatedFixed64Field(value: [UInt64], fieldNumber: Int) throws {
        list(value.map { .uint($0) }, fieldNumber)
    }
    mutating func visitRepeatedBoolField(value: [Bool], fieldNumber: Int) throws {
        list(value.map { .bool($0) }, fieldNumber)
    }
    mutating func visitRepeatedStringField(value: [String], fieldNumber: Int) throws {
        list(value.map { .string($0) }, fieldNumber)
    }
    mutating func visitRepeatedBytesField(value: [Data], fieldNumber: Int) throws {
        list(value.map { .bytes($0) }, fieldNumber)
    }
    mutating func visitRepeatedEnumField<E: Enum>(value: [E], fieldNumber: Int) throws {
        list(value.map { .enumeration($0.rawValue) }, fieldNumber)
    }
    mutating func visitRepeatedMessageField<M: Message>(value: [M], fieldNumber: Int) throws {
        list(try value.map { .message(try $0.fieldTree()) }, fieldNumber)
    }
    mutating func visitRepeatedGroupField<G: Message>(value: [G], fieldNumber: Int) throws {
        list(try value.map { .message(try $0.fieldTree()) }, fieldNumber)
    }

    // MARK: Neither maps nor unknown fields belong in our schema

    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type,
        value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        throw MapFieldsUnsupported()
    }
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
        value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        throw MapFieldsUnsupported()
    }
    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
        value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        throw MapFieldsUnsupported()
    }

    mutating func visitUnknown(bytes: Data) throws {
        tree.unknown.append(bytes.hex)
    }
}
