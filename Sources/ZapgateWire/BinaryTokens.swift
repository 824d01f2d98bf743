/// The token dictionaries of the binary XML format: frequent strings are written as one byte
/// (single-byte tokens) or as a DICTIONARY_n tag plus one byte (double-byte tokens).
enum BinaryTokens {
    /// The dictionary version sent in the client payload; the tables below are this version.
    static let dictionaryVersion = 3

    /// Where a string sits in the dictionaries.
    enum Entry: Equatable {
        case single(UInt8)
        case double(dictionary: UInt8, index: UInt8)
    }

    /// String → entry, built once. Index 0 (the empty string) is never a token.
    static let entries: [String: Entry] = {
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(singleByte.count + doubleByte.count * 256)
        for (dictionary, tokens) in doubleByte.enumerated() {
            for (index, token) in tokens.enumerated() {
                entries[token] = .double(dictionary: UInt8(dictionary), index: UInt8(index))
            }
        }
        // Single-byte entries win over double-byte ones (the lists share no strings today).
        for (index, token) in singleByte.enumerated() where index > 0 {
            entries[token] = .single(UInt8(index))
        }
        return entries
    }()

    /// The single-byte token for tag byte `byte`, if the byte is one (1...235).
    static func single(_ byte: UInt8) -> String? {
        byte >= 1 && Int(byte) < singleByte.count ? singleByte[Int(byte)] : nil
    }

    /// The double-byte token `index` of dictionary `dictionary` (0...3).
    static func double(dictionary: Int, index: UInt8) -> String? {
        guard dictionary >= 0 && dictionary < doubleByte.count else { return nil }
        let tokens = doubleByte[dictionary]
        return Int(index) < tokens.count ? tokens[Int(index)] : nil
    }
}
