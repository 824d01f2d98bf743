import CGMP

/// Maps a Curve25519 Montgomery u-coordinate to the Edwards y-coordinate of the birationally
/// equivalent Ed25519 point: y = (u − 1) / (u + 1) mod p, with p = 2^255 − 19.
///
/// libsodium converts only the other way (Edwards to Montgomery), so the one inversion is done
/// with GMP rather than with field arithmetic of our own.
enum MontgomeryPoint {
    /// p = 2^255 − 19, little-endian.
    static let primeLittleEndian: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]

    /// The 32-byte little-endian Edwards y with sign bit clear, or nil when u maps to no point
    /// (u ≡ −1).
    ///
    /// Like libsignal (and X25519 itself), bit 255 of u is ignored and a non-canonical u is
    /// taken modulo p, so a key that agrees also verifies here exactly when it does there.
    static func edwardsY(fromU littleEndian: [UInt8]) -> [UInt8]? {
        guard littleEndian.count == 32 else { return nil }
        var masked = littleEndian
        masked[31] &= 0x7F
        // Each GMP call writes a value of its own: Swift forbids passing one variable as both
        // an input and the output of the same call.
        var p = mpz_t()
        var u = mpz_t()
        var sum = mpz_t()
        var reduced = mpz_t()
        var inverse = mpz_t()
        var difference = mpz_t()
        var product = mpz_t()
        var y = mpz_t()
        __gmpz_init(&p)
        __gmpz_init(&u)
        __gmpz_init(&sum)
        __gmpz_init(&reduced)
        __gmpz_init(&inverse)
        __gmpz_init(&difference)
        __gmpz_init(&product)
        __gmpz_init(&y)
        defer {
            __gmpz_clear(&p)
            __gmpz_clear(&u)
            __gmpz_clear(&sum)
            __gmpz_clear(&reduced)
            __gmpz_clear(&inverse)
            __gmpz_clear(&difference)
            __gmpz_clear(&product)
            __gmpz_clear(&y)
        }
        load(&p, primeLittleEndian)
        load(&reduced, masked)
        __gmpz_mod(&u, &reduced, &p)

        __gmpz_add_ui(&sum, &u, 1)
        __gmpz_mod(&reduced, &sum, &p)
        // mpz_invert returns 0 when no inverse exists, here only for u + 1 ≡ 0.
        guard __gmpz_invert(&inverse, &reduced, &p) != 0 else { return nil }
        // u + p − 1 stays non-negative for u = 0.
        __gmpz_add(&sum, &u, &p)
        __gmpz_sub_ui(&difference, &sum, 1)
        __gmpz_mul(&product, &difference, &inverse)
        __gmpz_mod(&y, &product, &p)
        return store(&y)
    }

    /// Reads 32 little-endian bytes into an mpz.
    private static func load(_ value: inout mpz_t, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            // order −1: least significant word first; endian −1: little-endian bytes in a word.
            __gmpz_import(&value, bytes.count, -1, 1, -1, 0, raw.baseAddress)
        }
    }

    /// Writes an mpz below 2^256 as 32 little-endian bytes.
    private static func store(_ value: inout mpz_t) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 32)
        var written = 0
        let fits = out.withUnsafeMutableBytes { raw -> Bool in
            guard __gmpz_sizeinbase(&value, 2) <= 256 else { return false }
            __gmpz_export(raw.baseAddress, &written, -1, 1, -1, 0, &value)
            return true
        }
        return fits ? out : nil
    }
}
