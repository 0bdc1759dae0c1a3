import KioskCore
import Testing

@Suite("UkrainianDocumentNumber")
struct UkrainianDocumentNumberTests {
    // MARK: - ID card

    @Test(
        "ID card numbers are nine digits, spaces removed",
        arguments: [
            ("123456789", "123456789"),
            ("123 456 789", "123456789"),
            (" 001234567 ", "001234567"),
        ])
    func idCards(text: String, expected: String) throws {
        #expect(try UkrainianDocumentNumber.normalize(text, kind: .idCard) == expected)
    }

    @Test(
        "anything else is an ID card format error",
        arguments: [
            "", "   ", "12345678", "1234567890", "12345678a", "123-456-789", "МЕ123456",
            "١٢٣٤٥٦٧٨٩",  // Arabic-Indic digits
            "１２３４５６７８９",  // full-width digits
        ])
    func idCardFormatErrors(text: String) {
        #expect(throws: ValidationFailure(.documentIdCardFormat)) {
            try UkrainianDocumentNumber.normalize(text, kind: .idCard)
        }
    }

    // MARK: - Passport

    @Test(
        "passport numbers are two Cyrillic letters and six digits, upper-cased without spaces",
        arguments: [
            ("МЕ123456", "МЕ123456"),
            ("ме123456", "МЕ123456"),
            ("Ме 123456", "МЕ123456"),
            ("  ме 123 456 ", "МЕ123456"),
            ("єґ654321", "ЄҐ654321"),  // Ukrainian-only letters
            ("ІЇ000001", "ІЇ000001"),
            ("\u{406}\u{308}в123456", "ЇВ123456"),  // Ї written as І + combining diaeresis
        ])
    func passports(text: String, expected: String) throws {
        #expect(try UkrainianDocumentNumber.normalize(text, kind: .passport) == expected)
    }

    @Test(
        "wrong shapes are passport format errors",
        arguments: [
            "", "   ", "МЕ12345", "МЕ1234567", "М123456", "МЕЕ123456", "123456МЕ", "МЕ12345а", "МЕ-123456",
            "123456789",
            "ЫЭ123456",  // Russian-only letters are not in the Ukrainian alphabet
        ])
    func passportFormatErrors(text: String) {
        #expect(throws: ValidationFailure(.documentPassportFormat)) {
            try UkrainianDocumentNumber.normalize(text, kind: .passport)
        }
    }

    /// Latin letters that look like Cyrillic ones, paired with the Cyrillic series they imitate.
    static let lookAlikes = [
        ("ME123456", "МЕ123456"), ("me123456", "ме123456"), ("AA123456", "АА123456"), ("BC123456", "ВС123456"),
        ("KH123456", "КН123456"), ("OP123456", "ОР123456"), ("TX123456", "ТХ123456"), ("IB123456", "ІВ123456"),
    ]

    @Test("Latin look-alike letters are refused although the Cyrillic ones pass", arguments: lookAlikes)
    func latinLookAlikes(latin: String, cyrillic: String) throws {
        // Given a Latin series and the Cyrillic series it looks like
        try #require(latin.unicodeScalars.allSatisfy { $0.isASCII })
        try #require(cyrillic.unicodeScalars.prefix(2).allSatisfy { (0x400...0x4FF).contains($0.value) })
        // Then only the Cyrillic one is a passport number
        #expect(throws: ValidationFailure(.documentPassportFormat)) {
            try UkrainianDocumentNumber.normalize(latin, kind: .passport)
        }
        #expect(try UkrainianDocumentNumber.normalize(cyrillic, kind: .passport) == cyrillic.uppercased())
    }

    @Test("a single Latin letter among Cyrillic ones is refused", arguments: ["МE123456", "MЕ123456"])
    func mixedScripts(text: String) {
        #expect(throws: ValidationFailure(.documentPassportFormat)) {
            try UkrainianDocumentNumber.normalize(text, kind: .passport)
        }
    }

    @Test(
        "normalising a normalised number changes nothing",
        arguments: [
            ("  ме 123 456 ", UkrainianDocumentKind.passport), ("123 456 789", .idCard),
        ])
    func idempotent(text: String, kind: UkrainianDocumentKind) throws {
        let once = try UkrainianDocumentNumber.normalize(text, kind: kind)
        #expect(try UkrainianDocumentNumber.normalize(once, kind: kind) == once)
    }
}
