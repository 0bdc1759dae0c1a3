import Foundation

/// JSON string escaping for the canonical batch files, written by hand so that the bytes
/// (which are hashed and signed) never depend on a Foundation version.
///
/// Rules: `"` and `\` are escaped with a backslash, every control character below U+0020 is
/// written as `\u00xx` (lower-case hex), and everything else — `/`, DEL, non-ASCII — is kept as
/// its UTF-8 bytes. Any JSON parser reads the result back to the original string.
public enum JSONString {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The bytes that must be escaped, as a C string for `strcspn` (NUL itself is the terminator,
    /// and `strcspn` stops at an embedded NUL too, which sends such text to the escaping path).
    private static let specialBytes: [CChar] =
        (1..<0x20).map { CChar($0) } + [CChar(UInt8(ascii: "\"")), CChar(UInt8(ascii: "\\")), 0]

    /// The escaped contents of `text`, without the surrounding quotes.
    public static func escape(_ text: String) -> String {
        if !needsEscaping(text) { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as a complete JSON string literal, quotes included.
    public static func literal(_ text: String) -> String {
        var output = ""
        appendLiteral(text, to: &output)
        return output
    }

    /// Whether `text` holds a quote, a backslash or a control character.
    ///
    /// Uses the C library's vectorised `strcspn`, because nearly every string in a batch is clean
    /// and this check is what encoding 100,000 records mostly consists of.
    static func needsEscaping(_ text: String) -> Bool {
        let count = text.utf8.count
        guard count > 0 else { return false }
        return text.withCString { characters in
            specialBytes.withUnsafeBufferPointer { strcspn(characters, $0.baseAddress!) } != count
        }
    }

    /// Appends `text` as a quoted JSON string literal to `output`.
    static func appendLiteral(_ text: String, to output: inout String) {
        output += "\""
        output += needsEscaping(text) ? escape(text) : text
        output += "\""
    }

    /// Appends `text` as a quoted JSON string literal to `bytes`.
    static func appendLiteral(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(text, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escaped contents of `text` to `bytes`.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        guard needsEscaping(text) else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                bytes.append(byte)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0f)])
            }
        }
    }
}
