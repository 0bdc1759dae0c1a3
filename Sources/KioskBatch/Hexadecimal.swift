/// Checks for the lower-case hex digests the format uses, so that a digest compares equal to
/// `sha256sum` output byte for byte (upper-case hex would verify with some tools and not others).
enum Hexadecimal {
    /// Whether `text` is exactly 64 lower-case hex digits: a SHA-256 digest as `sha256sum` prints it.
    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && isLowercaseHex(text)
    }

    /// Whether every character of `text` is `0-9` or `a-f`.
    static func isLowercaseHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }
}
