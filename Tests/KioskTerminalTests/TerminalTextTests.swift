import Testing

@testable import KioskTerminal

@Suite("TerminalText.escape")
struct TerminalTextTests {
    @Test(
        "Non-printable scalars become an inert \\u{HEX} form",
        arguments: [
            ("a\u{1B}[31mb", "a\\u{1B}[31mb"),
            ("\u{0}", "\\u{0}"),
            ("a\tb", "a\\u{9}b"),
            ("line\nnext\r", "line\\u{A}next\\u{D}"),
            ("\u{7F}", "\\u{7F}"),
            ("\u{85}\u{9B}", "\\u{85}\\u{9B}"),
            ("\u{200E}\u{200F}", "\\u{200E}\\u{200F}"),
            ("\u{202A}\u{202E}", "\\u{202A}\\u{202E}"),
            ("\u{2066}\u{2069}", "\\u{2066}\\u{2069}"),
            ("\u{061C}", "\\u{61C}"),  // Arabic letter mark, a bidi control
            ("\u{FEFF}\u{AD}", "\\u{FEFF}\\u{AD}"),  // format: BOM, soft hyphen
            ("\u{E000}\u{F0000}", "\\u{E000}\\u{F0000}"),  // private use
            ("\u{2028}\u{2029}", "\\u{2028}\\u{2029}"),  // line, paragraph separators
            ("\u{0378}\u{FFFF}", "\\u{378}\\u{FFFF}"),  // unassigned, noncharacter
        ]
    )
    func escapesNonPrintable(input: String, expected: String) {
        #expect(TerminalText.escape(input) == expected)
    }

    @Test(
        "Printable text of any script stays as it is",
        arguments: [
            "Jonas Petraitis",
            "Žemaitė, Čiurlionis",
            "Олександр Київ",
            "Ελλάδα",
            "東京都 서울",
            "مرحبا",  // right-to-left letters are fine; only bidi controls are not
            "e\u{301}",  // combining acute
            "👨‍👩‍👧 🇱🇹 👍🏽 ❤️",  // ZWJ sequence, flag, skin tone, variation selector
            "a\u{A0}b\u{3000}c",  // no-break and ideographic spaces
            "",
        ]
    )
    func keepsPrintable(input: String) {
        #expect(TerminalText.escape(input) == input)
    }

    @Test("A literal backslash stays a backslash (display only)")
    func backslashUnchanged() {
        #expect(TerminalText.escape("C:\\dir\\u{1B}") == "C:\\dir\\u{1B}")
        #expect(TerminalText.escape("\u{1B}") == TerminalText.escape("\\u{1B}"))
    }

    @Test(
        "No scalar can put a control, bidi, separator, private or unassigned one in the output",
        arguments: [
            0x0...0xFFFF,  // the BMP: C0, C1, bidi controls, separators, private use, BOM
            0xE0000...0xE0FFF,  // tags and variation selectors supplement
            0xF0000...0xF00FF,  // supplementary private use
            0x10FF00...0x10FFFF,  // the last noncharacters
        ] as [ClosedRange<UInt32>]
    )
    func everyScalarIsSafe(range: ClosedRange<UInt32>) {
        var all = String.UnicodeScalarView()
        for value in range {
            if let scalar = Unicode.Scalar(value) {
                all.append(scalar)
            }
        }
        let forbiddenCategories: Set<Unicode.GeneralCategory> = [
            .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .control,
        ]
        let escaped = TerminalText.escape(String(all))
        let offending = escaped.unicodeScalars.first { scalar in
            scalar.value < 0x20
                || (0x7F...0x9F).contains(scalar.value)
                || scalar.properties.isBidiControl
                || forbiddenCategories.contains(scalar.properties.generalCategory)
        }
        #expect(offending == nil)
    }
}
