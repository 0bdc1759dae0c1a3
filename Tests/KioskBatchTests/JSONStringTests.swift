import Foundation
import Testing

@testable import KioskBatch

@Suite("JSON string escaping")
struct JSONStringTests {
    /// Strings that break naive escaping: quotes, backslashes, every control character, NUL,
    /// DEL, line separators, non-ASCII letters, emoji with modifiers, combining marks.
    static let hostile: [String] = [
        "",
        "plain text",
        #"quote " and backslash \ and both \""#,
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "nul\u{0}inside",
        "del\u{7f} and c1\u{85}",
        "line\u{2028}separator\u{2029}",
        "a/b</script>",
        "Шевченко Тарас Григорович",
        "Žemaitė ąčęėįšųūž",
        "👩🏽‍🚒 e\u{301}",
        "\\u0041 is not an escape here",
        "\u{1b}[31mred\u{1b}[0m",
    ]

    @Test("plain text is copied as is")
    func plainText() {
        // Given text with nothing to escape, When escaped, Then it is unchanged
        #expect(JSONString.escape("DEMO01-2026-000042-K") == "DEMO01-2026-000042-K")
        #expect(JSONString.literal("uk") == "\"uk\"")
    }

    @Test("quotes and backslashes get a backslash, control characters become \\u00xx")
    func escapes() {
        // Given quotes, backslashes and control characters
        // When escaped
        // Then quote and backslash are backslash-escaped, controls use lower-case \u00xx
        #expect(JSONString.escape(#"say "hi" \o/"#) == #"say \"hi\" \\o/"#)
        #expect(JSONString.escape("tab\tnew\nline\u{0}\u{1f}") == #"tab\u0009new\u000aline\u0000\u001f"#)
    }

    @Test("slashes, DEL and non-ASCII stay as UTF-8")
    func keepsUTF8() {
        // Given a slash, DEL and Cyrillic text, When escaped, Then the bytes are the same
        let text = "a/b\u{7f}Київ 👍"
        #expect(Array(JSONString.escape(text).utf8) == Array(text.utf8))
    }

    @Test("every hostile string round-trips through JSONSerialization", arguments: hostile)
    func roundTrip(text: String) throws {
        // Given a hostile string written as a JSON literal inside an array
        let json = "[" + JSONString.literal(text) + "]"
        // When a standard parser reads it
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        // Then it gets the original string back, and the literal has no raw control character
        #expect(parsed == [text])
        #expect(!json.utf8.contains { $0 < 0x20 })
    }
}
