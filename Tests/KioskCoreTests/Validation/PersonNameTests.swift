import Foundation
import KioskCore
import Testing

@Suite("PersonName")
struct PersonNameTests {
    @Test(
        "names in any script are accepted and tidied",
        arguments: [
            ("Олена", "Олена"),
            ("  Олена   Петрівна  ", "Олена Петрівна"),
            ("Олена\tПетрівна", "Олена Петрівна"),
            ("Žemaitė", "Žemaitė"),
            ("Šarūnas", "Šarūnas"),
            ("Ąžuolas Čiurlionis", "Ąžuolas Čiurlionis"),
            ("Мар\u{27}яна", "Мар\u{27}яна"),  // ASCII apostrophe
            ("Мар\u{2BC}яна", "Мар\u{2BC}яна"),  // modifier letter apostrophe, the Ukrainian standard
            ("Мар\u{2019}яна", "Мар\u{2019}яна"),  // right single quotation mark
            ("Анна-Марія", "Анна-Марія"),
            ("Jean-Luc O'Brien", "Jean-Luc O'Brien"),
            ("José María", "José María"),
            ("Νίκος", "Νίκος"),
            ("ნინო", "ნინო"),
            ("李小龙", "李小龙"),
            ("Z\u{30C}emaite\u{307}", "Žemaitė"),  // decomposed accents are composed
        ])
    func validNames(text: String, expected: String) throws {
        // When the name is normalised
        let name = try PersonName.normalize(text, maxLength: 64)
        // Then it is tidied, with accents composed (compare scalars, not just canonical equivalence)
        #expect(Array(name.unicodeScalars) == Array(expected.precomposedUnicodeScalars))
    }

    @Test(
        "digits, symbols and names not starting with a letter are format errors",
        arguments: [
            "Олена1", "R2D2", "Анна!", "Анна_Марія", "Анна@", "Анна.", "Анна,Марія", "Анна\"", "😀", "Анна 😀",
            "'Анна", "\u{2BC}Анна", "-Анна", "Анна\u{0}", "٣", "Ⅳ", "\u{301}Анна", "Анна \u{301}Марія",
            "<script>",
        ])
    func formatErrors(text: String) {
        #expect(throws: ValidationFailure(.nameFormat)) { try PersonName.normalize(text, maxLength: 64) }
    }

    @Test("an empty or blank name is required", arguments: ["", "   ", "\n\t "])
    func required(text: String) {
        #expect(throws: ValidationFailure(.required)) { try PersonName.normalize(text, maxLength: 64) }
    }

    @Test("length counts characters after tidying, and the limit is inclusive")
    func maximumLength() throws {
        // Given a limit of 7 characters
        let limit = 7
        // Then seven letters pass, even written with combining accents or surrounded by spaces
        #expect(try PersonName.normalize("Žemaitė", maxLength: limit) == "Žemaitė")
        #expect(try PersonName.normalize("  Z\u{30C}emaite\u{307}  ", maxLength: limit).count == 7)
        // And eight fail, naming the limit
        #expect(throws: ValidationFailure(.textTooLong, ["max": "7"])) {
            try PersonName.normalize("Šarūnas B", maxLength: limit)
        }
    }

    @Test("normalising a normalised name changes nothing", arguments: ["  Анна   Марія ", "Z\u{30C}emaite\u{307}"])
    func idempotent(text: String) throws {
        let once = try PersonName.normalize(text, maxLength: 64)
        #expect(try PersonName.normalize(once, maxLength: 64) == once)
    }
}

extension String {
    /// The scalars of the NFC form, to check composition exactly (String == ignores it).
    fileprivate var precomposedUnicodeScalars: [Unicode.Scalar] {
        Array(precomposedStringWithCanonicalMapping.unicodeScalars)
    }
}
