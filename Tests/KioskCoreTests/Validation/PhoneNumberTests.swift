import KioskCore
import Testing

@Suite("PhoneNumber")
struct PhoneNumberTests {
    /// The plan the kiosk ships: `Kiosk/phone-numbers.json`, from libphonenumber's metadata.
    private static let plan: MobileNumberPlan = {
        do { return try KioskFiles.numbers() } catch { fatalError("Kiosk/phone-numbers.json: \(error)") }
    }()

    private static func normalize(
        _ text: String, allowed: [String] = ["UA", "LT"], defaultCountry: String = "UA"
    )
        throws(ValidationFailure) -> String
    {
        try PhoneNumber.normalize(text, plan: plan, allowedCountries: allowed, defaultCountry: defaultCountry)
    }

    @Test(
        "Ukrainian mobiles in every common form become +380 and nine digits",
        arguments: [
            "+380 67 123 45 67", "+380671234567", "380671234567", "067-123-45-67", "0671234567",
            "+38 (067) 123-45-67", "(067) 123.45.67", " 067 123 45 67 ",
        ])
    func ukrainianForms(text: String) throws {
        #expect(try Self.normalize(text) == "+380671234567")
    }

    @Test(
        "Lithuanian mobiles in every common form become +370 and eight digits",
        arguments: [
            "+370 612 34567", "+37061234567", "37061234567", "8 612 34567", "861234567", "(8-612) 34-567",
            "0 612 34567",  // libphonenumber reads 0 as a Lithuanian trunk prefix too
        ])
    func lithuanianForms(text: String) throws {
        #expect(try Self.normalize(text) == "+37061234567")
    }

    @Test(
        "a national form is read by its shape whichever country is the default",
        arguments: [("0671234567", "+380671234567"), ("861234567", "+37061234567")])
    func nationalFormsIgnoreDefault(text: String, expected: String) throws {
        #expect(try Self.normalize(text, defaultCountry: "UA") == expected)
        #expect(try Self.normalize(text, defaultCountry: "LT") == expected)
    }

    @Test(
        "a number of a country that is not allowed is a country error",
        arguments: [
            ("+37061234567", ["UA"]), ("37061234567", ["UA"]), ("861234567", ["UA"]),
            ("+380671234567", ["LT"]), ("0671234567", ["LT"]),
            ("+48 601 234 567", ["UA", "LT"]),  // Poland
            ("+1 202 555 0100", ["UA", "LT"]),  // United States
            ("+380671234567", []),
        ])
    func foreignCountries(text: String, allowed: [String]) {
        #expect(throws: ValidationFailure(.phoneCountry)) { try Self.normalize(text, allowed: allowed) }
    }

    @Test("allowed countries may be written in lower case")
    func lowerCaseCountries() throws {
        #expect(try Self.normalize("+37061234567", allowed: ["lt"], defaultCountry: "lt") == "+37061234567")
    }

    @Test(
        "malformed numbers are format errors",
        arguments: [
            "", "   ", "+", "++380671234567", "phone", "067-123-45-6a", "+380671234567+", "+380 67 123 45 67 ext 1",
            "06712345678",  // Ukrainian: one digit too many
            "+38067123456", "+3806712345678", "38067123456",
            "00380671234567",  // the 00 international prefix is not accepted
            "86123456",  // Lithuanian: one digit short
            "8612345678",  // Lithuanian: one digit too many
            "+3706123456", "+370612345678",
            "+0123456789",  // no calling code starts with 0
            "+1234567890123456",  // longer than E.164 allows
            "+380 67 123 45 67\u{0}",
            "０６７１２３４５６７",  // full-width digits
        ])
    func formatErrors(text: String) {
        #expect(throws: ValidationFailure(.phoneFormat)) { try Self.normalize(text) }
    }

    @Test func aUkrainianNumberOneDigitShortReadsAsLithuanianAndIsRefusedOnAUkrainianForm() throws {
        // libphonenumber reads 0 + eight digits as a Lithuanian mobile with its trunk prefix 0.
        #expect(try Self.normalize("067123456") == "+37067123456")
        #expect(throws: ValidationFailure(.phoneCountry)) { try Self.normalize("067123456", allowed: ["UA"]) }
    }

    @Test(
        "landlines and other numbers of the right length that are not mobiles say a mobile is needed",
        arguments: [
            "044 123 45 67", "+380 44 123 45 67", "380441234567",  // Kyiv landline
            "032 123 45 67",  // Lviv landline
            "+380071234567", "0071234567",  // national number starting with 0
            "0801234567",  // Ukrainian free-phone range
            "+37071234567", "871234567",  // Lithuanian non-mobile
            "8 5 212 3456", "+370 5 212 3456",  // Vilnius landline
        ])
    func notMobile(text: String) {
        #expect(throws: ValidationFailure(.phoneNotMobile)) { try Self.normalize(text) }
    }

    @Test("normalising a normalised number changes nothing", arguments: ["067-123-45-67", "8 612 34567"])
    func idempotent(text: String) throws {
        let once = try Self.normalize(text)
        #expect(try Self.normalize(once) == once)
    }
}
