extension BinaryNode {
    /// An attribute value: text, or a JID that keeps its type so that it is written as a JID
    /// encoding (as `from`, `to`, `participant` must be) and can be read back as one.
    public enum AttributeValue: Sendable, Hashable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        case string(String)
        case jid(JID)

        public init(stringLiteral value: String) {
            self = .string(value)
        }

        /// The text, or the JID's text form.
        public var description: String {
            switch self {
            case .string(let text): text
            case .jid(let jid): jid.description
            }
        }
    }

    /// One key and its value.
    public struct Attribute: Sendable, Hashable {
        public var key: String
        public var value: AttributeValue

        public init(key: String, value: AttributeValue) {
            self.key = key
            self.value = value
        }
    }

    /// Attributes with unique keys in insertion order, so that a node always encodes to the
    /// same bytes. Setting an existing key replaces its value in place; setting nil removes it.
    public struct Attributes: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
        private var storage: [Attribute]

        public init() {
            storage = []
        }

        /// Attributes in the order given; a repeated key keeps its first position and last value.
        public init(_ attributes: some Sequence<Attribute>) {
            storage = []
            // Few keys: a linear search is cheapest. Many (a decoded node may declare thousands):
            // a position index keeps this linear overall.
            var positions: [String: Int]?
            for attribute in attributes {
                if positions == nil && storage.count >= 16 {
                    positions = Dictionary(storage.indices.map { (storage[$0].key, $0) }) { first, _ in first
                    }
                }
                let existing: Int?
                if let positions {
                    existing = positions[attribute.key]
                } else {
                    existing = storage.firstIndex { $0.key == attribute.key }
                }
                if let existing {
                    storage[existing].value = attribute.value
                } else {
                    positions?[attribute.key] = storage.count
                    storage.append(attribute)
                }
            }
        }

        public init(dictionaryLiteral elements: (String, AttributeValue)...) {
            self.init(elements.map { Attribute(key: $0.0, value: $0.1) })
        }

        public var startIndex: Int { storage.startIndex }
        public var endIndex: Int { storage.endIndex }
        public subscript(position: Int) -> Attribute { storage[position] }

        /// The value under `key`, or nil. Assigning nil removes the attribute.
        public subscript(key: String) -> AttributeValue? {
            get { storage.first { $0.key == key }?.value }
            set {
                let existing = storage.firstIndex { $0.key == key }
                switch (existing, newValue) {
                case (let index?, let value?): storage[index].value = value
                case (let index?, nil): storage.remove(at: index)
                case (nil, let value?): storage.append(Attribute(key: key, value: value))
                case (nil, nil): break
                }
            }
        }

        /// The keys in order.
        public var keys: [String] { storage.map(\.key) }
    }
}
