import KioskSupport

/// Makes hostile text (entry names, field values from an untrusted batch) safe to put in an error
/// message: quoted, escaped, and cut short, so a log line cannot be forged or flooded.
enum DisplayText {
    /// How many UTF-8 bytes of the original are shown at most.
    static let maximumBytes = 80

    /// `text` as a short JSON-style quoted string: control characters escaped, long text cut with "…".
    static func quoted(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > maximumBytes else { return JSONString.literal(text) }
        // Cut on a character boundary so that no partial UTF-8 sequence is shown.
        var end = maximumBytes
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return "\"" + JSONString.escape(String(decoding: utf8[..<end], as: UTF8.self)) + "…\""
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
}
