import KioskSupport

/// Makes hostile text (entry names, field values from an untrusted batch, a server's refusal)
/// safe to put in an error message or on a terminal: quoted, escaped, and cut short, so a log
/// line cannot be forged or flooded and a terminal cannot be driven by it.
package enum DisplayText {
    /// How many UTF-8 bytes of the original are shown at most.
    package static let maximumBytes = 80

    /// `text` as a short JSON-style quoted string: control characters escaped, long text cut with "…".
    ///
    /// Besides what JSON escapes (C0 controls, quote, backslash), DEL, the C1 controls
    /// (U+0080-U+009F, which terminals may read as ESC sequences) and the bidi controls are
    /// written as `\uXXXX`, so the result holds no byte a terminal acts on.
    package static func quoted(_ text: String, maximumBytes: Int = maximumBytes) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > maximumBytes else { return "\"" + escape(text) + "\"" }
        // Cut on a character boundary so that no partial UTF-8 sequence is shown.
        var end = maximumBytes
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return "\"" + escape(String(decoding: utf8[..<end], as: UTF8.self)) + "…\""
    }

    /// Raw bytes (such as a tar name field) decoded leniently and quoted.
    static func quoted(bytes: some Collection<UInt8>) -> String {
        quoted(String(decoding: bytes, as: UTF8.self))
    }

    /// A digest for a message: in full when it is a well-formed SHA-256 hex string (so it can be
    /// compared with `sha256sum` output), otherwise quoted and cut like any hostile text.
    static func digest(_ text: String) -> String {
        Hex.isSHA256(text) ? text : quoted(text)
    }

    /// JSON escaping, then DEL, C1 and bidi controls as `\uXXXX`.
    private static func escape(_ text: String) -> String {
        let escaped = JSONString.escape(text)
        guard escaped.unicodeScalars.contains(where: isInvisibleControl) else { return escaped }
        var result = ""
        for scalar in escaped.unicodeScalars {
            if isInvisibleControl(scalar) {
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isInvisibleControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || scalar.properties.isBidiControl
    }
}
