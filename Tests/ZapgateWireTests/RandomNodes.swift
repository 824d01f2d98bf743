import Foundation
import ZapgateTestSupport

@testable import ZapgateWire

/// Random but reproducible nodes that exercise every encoding: tokens of both kinds, packed
/// and raw strings, JIDs of every kind, byte content around the BINARY_8/BINARY_20 threshold,
/// LIST_8 and LIST_16, nesting.
struct RandomNodes {
    /// Which JIDs to use. baileys-python's writer takes JIDs as text and cannot produce a
    /// server-only JID_PAIR (it writes `@s.whatsapp.net` as a raw string, oracles.md §C), nor
    /// FB_JID or INTEROP_JID; `.baileysWritable` leaves those out.
    enum JIDSet {
        case all
        case baileysWritable
    }

    private var random: SeededGenerator
    private let jids: JIDSet
    private let maximumDepth = 4

    init(seed: UInt64, jids: JIDSet) {
        random = SeededGenerator(seed: seed)
        self.jids = jids
    }

    mutating func nodes(_ count: Int) -> [BinaryNode] {
        (0..<count).map { _ in node(depth: 1) }
    }

    mutating func node(depth: Int) -> BinaryNode {
        var attributes = BinaryNode.Attributes()
        let attributeCount =
            chance(1, in: 60)
            ? Int.random(in: 128...140, using: &random) : Int.random(in: 0...6, using: &random)
        for _ in 0..<attributeCount {
            attributes[nodeTag()] = chance(1, in: 3) ? .jid(jid()) : .string(text())
        }
        return BinaryNode(tag: nodeTag(), attributes: attributes, content: content(depth: depth))
    }

    private mutating func content(depth: Int) -> BinaryNode.Content {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return .empty
        case 1, 2: return .bytes(bytes())
        // Only strings that stay strings on the wire: raw text content decodes as bytes.
        case 3: return .string(typedString())
        case 4: return .jid(jid())
        default:
            guard depth < maximumDepth else { return .bytes(bytes()) }
            let count: Int
            switch Int.random(in: 0..<40, using: &random) {
            case 0: count = 0
            case 1: count = Int.random(in: 256...300, using: &random)  // LIST_16
            default: count = Int.random(in: 1...4, using: &random)
            }
            if count > 4 {
                return .children(
                    (0..<count).map { _ in BinaryNode(tag: nodeTag(), content: .string(typedString())) })
            }
            return .children((0..<count).map { _ in node(depth: depth + 1) })
        }
    }

    private mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        Int.random(in: 0..<denominator, using: &random) < numerator
    }

    private mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int.random(in: 0..<elements.count, using: &random)]
    }

    private mutating func token() -> String {
        if chance(1, in: 2) {
            return BinaryTokens.singleByte[Int.random(in: 1..<BinaryTokens.singleByte.count, using: &random)]
        }
        return pick(pick(BinaryTokens.doubleByte))
    }

    private static let nibbleAlphabet = Array("0123456789-.")
    private static let hexAlphabet = Array("0123456789ABCDEF")
    private static let digitAlphabet = Array("0123456789")
    /// Free text. No `@` (baileys-python turns any string with `@` into a JID) and no non-ASCII
    /// digits (its nibble test uses str.isdigit, which accepts them, then fails to pack them).
    private static let textAlphabet = Array(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -._:/+=\"\\\n\té€日本🙂\u{0}"
    )

    private mutating func characters(from alphabet: [Character], count: Int) -> String {
        var text = ""
        for _ in 0..<count {
            text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
        }
        return text
    }

    private mutating func nibble(maximum: Int = 140) -> String {
        characters(from: Self.nibbleAlphabet, count: Int.random(in: 1...maximum, using: &random))
    }

    private mutating func hex(maximum: Int = 140) -> String {
        characters(from: Self.hexAlphabet, count: Int.random(in: 1...maximum, using: &random))
    }

    private mutating func freeText(maximum: Int) -> String {
        characters(from: Self.textAlphabet, count: Int.random(in: 0...maximum, using: &random))
    }

    private mutating func nodeTag() -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0, 1, 2: return token()
        case 3: return nibble(maximum: 10)
        case 4: return hex(maximum: 10)
        default:
            let text = freeText(maximum: 12)
            return text.isEmpty ? "x" : text
        }
    }

    /// A string that is a token or packs as NIBBLE_8/HEX_8.
    private mutating func typedString() -> String {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: token()
        case 1: nibble(maximum: 127)
        default: hex(maximum: 127)
        }
    }

    private mutating func text() -> String {
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1: token()
        case 2: nibble()
        case 3: hex()
        case 4: hex().lowercased()
        case 5: ""
        case 6: freeText(maximum: chance(1, in: 10) ? 400 : 30)
        default: freeText(maximum: 12)
        }
    }

    private mutating func bytes() -> Data {
        let count: Int
        switch Int.random(in: 0..<10, using: &random) {
        case 0...3: count = Int.random(in: 0...40, using: &random)
        case 4...7: count = Int.random(in: 240...272, using: &random)  // BINARY_8 | BINARY_20
        default: count = Int.random(in: 273...1200, using: &random)
        }
        var data = Data(capacity: count + 8)
        while data.count < count {
            withUnsafeBytes(of: random.next()) { data.append(contentsOf: $0) }
        }
        return data.prefix(count)
    }

    private mutating func digits(_ range: ClosedRange<Int>) -> String {
        let first = String(Int.random(in: 1...9, using: &random))
        return first + characters(from: Self.digitAlphabet, count: Int.random(in: range, using: &random) - 1)
    }

    mutating func jid() -> JID {
        let kinds = jids == .all ? 16 : 13
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return JID(user: digits(8...15), server: .phoneNumber)
        case 1:
            return JID(
                user: digits(8...15), server: .phoneNumber, device: UInt16.random(in: 1...255, using: &random)
            )
        case 2:
            let agent = pick([2, 3, 5, 17, 100, 127, 130, 200, 255] as [UInt8])
            return JID(
                user: digits(8...15), server: .phoneNumber,
                device: UInt16.random(in: 0...255, using: &random), rawAgent: agent)
        case 3: return JID(user: digits(12...15), server: .lid)
        case 4:
            return JID(
                user: digits(12...15), server: .lid, device: UInt16.random(in: 1...255, using: &random))
        case 5:
            return JID(
                user: digits(8...15), server: .hosted, device: UInt16.random(in: 0...255, using: &random))
        case 6:
            return JID(
                user: digits(12...15), server: .hostedLID, device: UInt16.random(in: 0...255, using: &random))
        case 7:
            return JID(
                user: pick(["120363" + digits(12...12), digits(10...12) + "-" + digits(10...10)]),
                server: .group)
        case 8: return pick([JID.statusBroadcast, JID(user: digits(10...10), server: .broadcast)])
        case 9: return JID(user: "120363" + digits(12...12), server: .newsletter)
        case 10: return pick([JID.metaAIBot, JID(user: digits(8...15), server: .bot)])
        case 11:
            return pick([
                JID.officialBusiness, JID.legacyPublicServiceAnnouncements, JID.publicServiceAnnouncements,
            ])
        case 12:
            return JID(
                user: pick(["0", "1", "status", "server", "x"]), server: pick([.phoneNumber, .lid, .group]))
        case 13: return JID(server: pick([.phoneNumber, .group, .lid, .broadcast, .newsletter, "call"]))
        case 14:
            return JID(
                user: digits(10...15), server: .messenger,
                device: UInt16.random(in: 0...0xFFFF, using: &random))
        default:
            return JID(
                user: digits(5...15),
                server: .interop,
                device: UInt16.random(in: 0...0xFFFF, using: &random),
                integrator: UInt16.random(in: 0...0xFFFF, using: &random)
            )
        }
    }
}
