import Foundation

/// Comparisons whose running time does not depend on where two secrets first differ.
public enum ConstantTime {
    /// True when both hold the same bytes. Lengths are not secret: unequal lengths return at once.
    public static func equal(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
