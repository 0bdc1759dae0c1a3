import Testing

@testable import KioskCore

/// Check characters computed independently with a Python Luhn mod 36 (alphabet 0-9A-Z, factor 2 on the
/// rightmost character, hyphens skipped).
@Suite("ReferenceNumber")
struct ReferenceNumberTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let center: String
        let year: Int
        let serial: Int
        let text: String
        var testDescription: String { text }
    }

    static let vectors: [Vector] = [
        Vector(center: "DEMO01", year: 2026, serial: 42, text: "DEMO01-2026-000042-6"),
        Vector(center: "DEMO01", year: 2026, serial: 1, text: "DEMO01-2026-000001-C"),
        Vector(center: "KYIV03", year: 2027, serial: 999_999, text: "KYIV03-2027-999999-D"),
        Vector(center: "AB", year: 1000, serial: 123_456, text: "AB-1000-123456-6"),
    ]

    static let valid = "DEMO01-2026-000042-6"

    @Test("the description is CENTER-YEAR-SERIAL-CHECK with a six-digit serial", arguments: vectors)
    func format(vector: Vector) {
        let reference = ReferenceNumber(center: vector.center, year: vector.year, serial: vector.serial)
        #expect(reference.description == vector.text)
        #expect(reference.checkCharacter == vector.text.last)
    }

    @Test("the description parses back to the same reference", arguments: vectors)
    func roundTrip(vector: Vector) throws {
        let reference = ReferenceNumber(center: vector.center, year: vector.year, serial: vector.serial)
        let parsed = try #require(ReferenceNumber(parsing: reference.description))
        #expect(parsed == reference)
        #expect(parsed.center == vector.center)
        #expect(parsed.year == vector.year)
        #expect(parsed.serial == vector.serial)
    }

    @Test(
        "lower case and surrounding spaces are accepted",
        arguments: ["demo01-2026-000042-6", "  Demo01-2026-000042-6 "])
    func lenient(text: String) throws {
        let parsed = try #require(ReferenceNumber(parsing: text))
        #expect(parsed == ReferenceNumber(center: "DEMO01", year: 2026, serial: 42))
    }

    @Test("every single-character change of a valid reference is refused")
    func singleCharacterChanges() {
        // Given a valid reference and every other character a reference can hold
        let characters = Array(Self.valid)
        let replacements = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")
        var accepted: [String] = []
        var tried = 0

        // When each position is replaced by each other character
        for index in characters.indices {
            for replacement in replacements where replacement != characters[index] {
                var changed = characters
                changed[index] = replacement
                tried += 1
                if ReferenceNumber(parsing: String(changed)) != nil { accepted.append(String(changed)) }
            }
        }

        // Then none parses
        #expect(tried == characters.count * (replacements.count - 1))
        #expect(accepted.isEmpty)
    }

    @Test("every swap of two adjacent different characters is refused")
    func adjacentTranspositions() {
        let characters = Array(Self.valid)
        var accepted: [String] = []
        var tried = 0
        for index in characters.indices.dropLast() where characters[index] != characters[index + 1] {
            var swapped = characters
            swapped.swapAt(index, index + 1)
            tried += 1
            if ReferenceNumber(parsing: String(swapped)) != nil { accepted.append(String(swapped)) }
        }
        #expect(tried > 10)
        #expect(accepted.isEmpty)
    }

    @Test(
        "malformed references are refused",
        arguments: [
            "", "DEMO01-2026-000042", "DEMO01-2026-000042-", "DEMO01-2026-000042-66", "DEMO01-2026-42-6",
            "DEMO01-26-000042-6", "D-2026-000042-6", "DEMO01-2026-000000-0", "DEMO01 2026 000042 6",
            "DEMO01-2026-0000042-6", "DEMO01--2026-000042-6", "DEMO0123456789-2026-000042-6",
            "DEMO01-2026-00004٢-6",  // an Arabic-Indic digit
        ])
    func malformed(text: String) {
        #expect(ReferenceNumber(parsing: text) == nil)
    }

    @Test("a sign in the serial is refused")
    func signedSerial() {
        #expect(ReferenceNumber(parsing: "DEMO01-2026-+00042-6") == nil)
    }

    @Test(
        "center codes are 2 to 12 upper-case ASCII letters or digits",
        arguments: [
            ("AB", true), ("DEMO01", true), ("ABCDEFGHIJ12", true), ("A", false), ("ABCDEFGHIJ123", false),
            ("demo01", false), ("DEMO-1", false), ("ДЕМО01", false), ("", false),
        ])
    func centers(code: String, valid: Bool) {
        #expect(ReferenceNumber.isValidCenter(code) == valid)
    }
}
