/// Lower-case hexadecimal text: encoding and strict decoding of bytes, and the checks for the
/// digests the signed formats carry.
///
/// Digests are written in lower case so that they compare equal to `sha256sum` output byte
/// for byte (upper-case hex would verify with some tools and not others). No Foundation: the
/// crypto module uses it for fingerprints and digests.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lower-case hex, two characters per byte.
    public static func encode<D: Collection>(_ d: D) -> String where D.Element == UInt8 {
        let count = d.count * 2
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            for byte in d {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0f)]
                index += 2
            }
            return index
        }
    }

    /// Decodes hex (either case) to bytes; nil for an odd length or any non-hex character.
    ///
    /// Whitespace and a `0x` prefix are refused rather than skipped, so a value is only
    /// accepted when it is exactly what was meant.
    public static func decode(_ s: String) -> [UInt8]? {
        let utf8 = s.utf8
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var high: UInt8?
        for character in utf8 {
            guard let nibble = nibble(character) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }

    /// Whether `text` is exactly 64 lower-case hex digits: a SHA-256 digest as `sha256sum` prints it.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && isLowercase(text)
    }

    /// Whether every character of `text` is `0-9` or `a-f` (true for the empty text).
    public static func isLowercase(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
