import COpenSSL

/// A staff password stored as scrypt, in an encoding that carries its own parameters:
/// `scrypt$ln=17$r=8$p=1$<salt>$<hash>` (salt and hash in unpadded standard base64, as in
/// the PHC string format).
///
/// Because the parameters travel with each hash, the cost can be raised later: old hashes
/// still verify with the parameters they were made with, and `isWeaker(than:)` says which
/// ones to renew at the next login or password change.
public struct PasswordHash: Sendable, Hashable, CustomStringConvertible {
    /// The scrypt cost: N = 2^logN, block size r, parallelism p.
    public struct Parameters: Sendable, Hashable {
        public let logN: UInt8
        public let r: UInt32
        public let p: UInt32

        /// N=2^17, r=8, p=1: about 128 MiB and a few tenths of a second per guess.
        public static let standard = Parameters(logN: 17, r: 8, p: 1)

        /// Checked so that a stored string cannot ask for absurd memory or time.
        public init(logN: UInt8, r: UInt32, p: UInt32) {
            precondition((1...30).contains(logN) && (1...64).contains(r) && (1...16).contains(p))
            self.logN = logN
            self.r = r
            self.p = p
        }
    }

    public let parameters: Parameters
    public let salt: [UInt8]
    public let key: [UInt8]

    static let saltLength = 16
    static let keyLength = 32

    /// Hashes `password` with a fresh 16-byte random salt.
    public static func create(password: [UInt8], parameters: Parameters = .standard) throws(CryptoError) -> PasswordHash
    {
        let salt = try SecureRandom.bytes(count: saltLength)
        return PasswordHash(parameters: parameters, salt: salt, key: try derive(password, salt, parameters, keyLength))
    }

    /// A hash that no password matches (random salt and key) but that costs the same to
    /// verify, so a login under an unknown ID takes as long as one under a real ID.
    public static func unmatchable(parameters: Parameters = .standard) throws(CryptoError) -> PasswordHash {
        PasswordHash(
            parameters: parameters, salt: try SecureRandom.bytes(count: saltLength),
            key: try SecureRandom.bytes(count: keyLength))
    }

    /// Parses the stored form; nil for anything that is not exactly a hash of this kind.
    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
            let logN = Self.number(parts[1], "ln="), (1...30).contains(logN),
            let r = Self.number(parts[2], "r="), (1...64).contains(r),
            let p = Self.number(parts[3], "p="), (1...16).contains(p),
            let salt = UnpaddedBase64.decode(parts[4]), (8...64).contains(salt.count),
            let key = UnpaddedBase64.decode(parts[5]), (16...64).contains(key.count)
        else { return nil }
        self.init(parameters: Parameters(logN: UInt8(logN), r: UInt32(r), p: UInt32(p)), salt: salt, key: key)
    }

    init(parameters: Parameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    /// The string to store.
    public var encoded: String {
        "scrypt$ln=\(parameters.logN)$r=\(parameters.r)$p=\(parameters.p)$\(UnpaddedBase64.encode(salt))$\(UnpaddedBase64.encode(key))"
    }

    /// Only the parameters: the salt and key are never printed or logged.
    public var description: String {
        "scrypt(ln=\(parameters.logN), r=\(parameters.r), p=\(parameters.p))"
    }

    /// Whether `password` is the one hashed, compared in constant time.
    ///
    /// The scrypt work is the same whether or not the password is right, so the time taken
    /// says nothing about it.
    public func verify(_ password: [UInt8]) throws(CryptoError) -> Bool {
        ConstantTime.equals(try Self.derive(password, salt, parameters, key.count), key)
    }

    /// Whether this hash was made with a lower cost than `parameters` and should be renewed.
    public func isWeaker(than parameters: Parameters) -> Bool {
        self.parameters.logN < parameters.logN || self.parameters.r < parameters.r || self.parameters.p < parameters.p
    }

    private static func derive(
        _ password: [UInt8], _ salt: [UInt8], _ parameters: Parameters, _ length: Int
    )
        throws(CryptoError) -> [UInt8]
    {
        try Scrypt.derive(
            password: password, salt: salt, n: UInt64(1) << UInt64(parameters.logN), r: parameters.r,
            p: parameters.p, length: length)
    }

    /// "ln=17" → 17; nil unless the prefix is there and the rest is 1-3 plain digits without a leading zero.
    private static func number(_ part: String, _ prefix: String) -> Int? {
        guard part.hasPrefix(prefix) else { return nil }
        let digits = part.dropFirst(prefix.count)
        guard (1...3).contains(digits.count), digits.first != "0", digits.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return Int(digits)
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes, through OpenSSL's `CRYPTO_memcmp`.
    ///
    /// The lengths are not secret here (a stored hash's length is in its encoding), so
    /// different lengths return false at once.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0 }
        }
    }
}

/// Unpadded standard base64 (RFC 4648 alphabet), as the PHC string format writes salts and hashes.
enum UnpaddedBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group = group << 8 | UInt32(offset < count ? bytes[index + offset] : 0)
            }
            for position in 0...count {
                output.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Strict: no padding, no whitespace, and unused trailing bits must be zero, so every
    /// value has exactly one encoding.
    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var group: UInt32 = 0
        var bits = 0
        for character in characters {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            group = group << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: group >> UInt32(bits)))
                group &= (1 << UInt32(bits)) - 1
            }
        }
        guard group == 0 else { return nil }
        return output
    }
}
