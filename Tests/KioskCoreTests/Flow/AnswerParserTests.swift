import Foundation
import Testing

@testable import KioskCore

@Suite("AnswerParser on the real forms")
struct AnswerParserTests {
    let parser: AnswerParser

    init() throws {
        parser = try KioskFiles.parser()
    }

    func field(_ id: String) throws -> FieldDefinition {
        try #require(parser.form.field(id))
    }

    /// The parsed value, or the failure code, to compare in one expectation.
    func outcome(
        _ input: String, _ fieldID: String, _ answers: [String: AnswerValue] = [:]
    ) throws
        -> Result<AnswerValue?, ValidationFailure>
    {
        parser.parse(input, for: try field(fieldID), answers: answers)
    }

    // MARK: - options(for:)

    @Test(
        "options(for:) filters age-limited choices by the applicant's age",
        arguments: [
            ("2006-03-15", ["contract", "contract-18-24"]),  // 20
            ("2008-11-27", ["contract", "contract-18-24"]),  // 18 today
            ("2001-11-28", ["contract", "contract-18-24"]),  // 24, 25 tomorrow
            ("2001-11-27", ["contract"]),  // 25 today
            ("2000-01-01", ["contract"]),  // 26
        ])
    func optionsByAge(birthDate: String, expected: [String]) throws {
        // Given a date of birth
        let answers: [String: AnswerValue] = ["birth_date": .single(birthDate)]

        // When the service-type options are listed
        let options = parser.options(for: try field("service_type"), answers: answers)

        // Then only the choices whose age range holds the applicant are offered, in definition order
        #expect(options.map(\.value) == expected)
    }

    @Test("without a date of birth every choice is offered")
    func optionsWithoutAge() throws {
        #expect(
            parser.options(for: try field("service_type"), answers: [:]).map(\.value) == ["contract", "contract-18-24"])
    }

    @Test("unit options are the form country's units plus no preference; positions follow the unit")
    func unitOptions() throws {
        // When the unit options are listed for the UA form
        let units = parser.options(for: try field("unit"), answers: [:]).map(\.value)

        // Then they are the six UA units, then "none"
        #expect(
            units == [
                "demo-brigade-1", "demo-brigade-2", "demo-brigade-3", "demo-assault-battalion-4",
                "demo-artillery-brigade-5", "demo-drone-battalion-6", "none",
            ])

        // And the positions are those of the unit answered, or none without a unit
        let position = try field("position")
        #expect(
            parser.options(for: position, answers: ["unit": .single("demo-artillery-brigade-5")]).map(\.value)
                == ["gunner", "driver", "mechanic"])
        #expect(parser.options(for: position, answers: ["unit": .single("none")]).isEmpty)
        #expect(parser.options(for: position, answers: [:]).isEmpty)
    }

    @Test("positions the applicant's age or a full unit rule out are not offered, nor a unit with none left")
    func positionsByAgeAndPlaces() throws {
        // Given a catalog with a position for ages 18 to 30, a full one, and a unit only for the young
        let name = LocalizedText([.en: "x", .uk: "x", .lt: "x"])
        let catalog = UnitCatalog(
            fictional: true,
            units: [
                KioskCore.Unit(
                    id: "mixed", country: "UA", name: name,
                    positions: [
                        Position(id: "young", name: name, age: AgeRange(min: 18, max: 30)),
                        Position(id: "full", name: name, openPlaces: 0),
                        Position(id: "any", name: name, openPlaces: 3),
                    ]),
                KioskCore.Unit(
                    id: "young-only", country: "UA", name: name,
                    positions: [Position(id: "scout", name: name, age: AgeRange(min: nil, max: 30))]),
            ])
        let parser = AnswerParser(
            form: self.parser.form, catalog: catalog, numbers: self.parser.numbers, strings: self.parser.strings,
            today: KioskFiles.today)
        let unit = try field("unit")
        let position = try field("position")

        // When a 40-year-old is asked
        let older: [String: AnswerValue] = ["birth_date": .single("1986-01-01"), "unit": .single("mixed")]

        // Then the unit for the young is gone, and of the mixed unit only the open position for any age stays
        #expect(parser.options(for: unit, answers: older).map(\.value) == ["mixed", "none"])
        #expect(parser.options(for: position, answers: older).map(\.value) == ["any"])
        #expect(parser.parse("young", for: position, answers: older) == .failure(ValidationFailure(.choiceUnknown)))

        // And a 20-year-old is offered both units and every open position
        let young: [String: AnswerValue] = ["birth_date": .single("2006-01-01"), "unit": .single("mixed")]
        #expect(parser.options(for: unit, answers: young).map(\.value) == ["mixed", "young-only", "none"])
        #expect(parser.options(for: position, answers: young).map(\.value) == ["young", "any"])
    }

    // MARK: - parse

    @Test(
        "multi-choice answers are deduplicated and stored in definition order",
        arguments: [
            ("2, 1, 2", ["A", "B"]),
            ("b,a", ["A", "B"]),
            ("T, 5 ,c", ["C", "BE", "T"]),
            ("8,7,6,5,4,3,2,1", ["A", "B", "C", "D", "BE", "CE", "DE", "T"]),
            ("C — lorries, 1", ["A", "C"]),
        ])
    func multiChoice(input: String, expected: [String]) throws {
        #expect(try outcome(input, "driving_licence") == .success(.multiple(expected)))
    }

    @Test("a multi-choice answer with an unknown part is refused as a whole", arguments: ["1, 9", "A, Z", "0"])
    func multiChoiceUnknown(input: String) throws {
        #expect(try outcome(input, "driving_licence") == .failure(ValidationFailure(.multiChoiceUnknown)))
    }

    @Test(
        "an unknown choice is choice.unknown",
        arguments: [("region", "0"), ("region", "28"), ("region", "Atlantis"), ("sex", "3"), ("education", "-1")])
    func unknownChoice(fieldID: String, input: String) throws {
        #expect(try outcome(input, fieldID) == .failure(ValidationFailure(.choiceUnknown)))
    }

    @Test(
        "a choice is found by number, by label in any language or by its value",
        arguments: [
            ("1", "kyiv-city"), ("25", "chernihiv"), ("ODESA OBLAST", "odesa"), ("Одеська область", "odesa"),
            ("Odesos sritis", "odesa"), ("odesa", "odesa"),
        ])
    func choiceLookup(input: String, stored: String) throws {
        #expect(try outcome(input, "region") == .success(.single(stored)))
    }

    @Test("an age-excluded choice typed by name says it is not allowed at that age, with the range")
    func notAllowedForAge() throws {
        // Given an applicant aged 30
        let answers: [String: AnswerValue] = ["birth_date": .single("1996-03-15")]

        // When they type the contract 18-24 by value and by label
        // Then both say why
        let failure = ValidationFailure(.choiceNotAllowedForAge, ["min": "18", "max": "24"])
        #expect(try outcome("contract-18-24", "service_type", answers) == .failure(failure))
        #expect(try outcome("Контракт 18–24 (на один рік)", "service_type", answers) == .failure(failure))
    }

    @Test("an empty answer to an optional question is no answer", arguments: ["", "   ", "\t"])
    func optionalEmpty(input: String) throws {
        #expect(try outcome(input, "email") == .success(nil))
        #expect(try outcome(input, "patronymic") == .success(nil))
        #expect(try outcome(input, "driving_licence") == .success(nil))
    }

    @Test(
        "an empty answer to a required question is required",
        arguments: ["surname", "birth_date", "sex", "rnokpp", "prior_service", "consent"])
    func requiredEmpty(fieldID: String) throws {
        #expect(try outcome("  ", fieldID) == .failure(ValidationFailure(.required)))
    }

    @Test("text longer than max_length is text.too_long with the maximum")
    func tooLong() throws {
        // Given answers one character over the limits of 64 (surname, rank) and 16 (RNOKPP)
        // Then each is refused with its own maximum
        let name = String(repeating: "a", count: 65)
        #expect(try outcome(name, "surname") == .failure(ValidationFailure(.textTooLong, ["max": "64"])))
        #expect(try outcome(name, "prior_rank") == .failure(ValidationFailure(.textTooLong, ["max": "64"])))
        #expect(
            try outcome(String(repeating: "1", count: 17), "rnokpp")
                == .failure(ValidationFailure(.textTooLong, ["max": "16"])))

        // And exactly at the limit is accepted
        let atLimit = String(repeating: "a", count: 64)
        #expect(try outcome(atLimit, "prior_rank") == .success(.single(atLimit)))
    }

    @Test("surrounding spaces are trimmed before the length check")
    func trimmedBeforeLength() throws {
        let atLimit = String(repeating: "a", count: 64)
        #expect(try outcome("  \(atLimit)  ", "prior_rank") == .success(.single(atLimit)))
    }

    @Test("dates are stored as YYYY-MM-DD, phone as E.164, RNOKPP as digits")
    func normalisation() throws {
        #expect(try outcome("1.1.2000", "birth_date") == .success(.single("2000-01-01")))
        #expect(try outcome("(067) 123-45-67", "phone") == .success(.single("+380671234567")))
        let answers: [String: AnswerValue] = ["birth_date": .single("2000-01-01"), "sex": .single("male")]
        #expect(try outcome(" 3652504575 ", "rnokpp", answers) == .success(.single("3652504575")))
    }

    @Test("consent must be yes")
    func consent() throws {
        #expect(try outcome("no", "consent") == .failure(ValidationFailure(.mustBe)))
        #expect(try outcome("2", "consent") == .failure(ValidationFailure(.mustBe)))
        #expect(try outcome("Yes", "consent") == .success(.single("yes")))
        #expect(try outcome("perhaps", "consent") == .failure(ValidationFailure(.yesNoInvalid)))
    }

    @Test("the document number follows the document type answered before it")
    func documentByType() throws {
        let passport: [String: AnswerValue] = ["document_type": .single("passport")]
        let idCard: [String: AnswerValue] = ["document_type": .single("id-card")]
        #expect(try outcome("ме123456", "document_number", passport) == .success(.single("МЕ123456")))
        #expect(
            try outcome("123456789", "document_number", passport)
                == .failure(ValidationFailure(.documentPassportFormat)))
        #expect(
            try outcome("МЕ123456", "document_number", idCard)
                == .failure(ValidationFailure(.documentIdCardFormat)))
    }

    @Test("recheck accepts stored answers that still hold and names the failure of those that do not")
    func recheck() throws {
        let young: [String: AnswerValue] = ["birth_date": .single("2006-03-15")]
        let older: [String: AnswerValue] = ["birth_date": .single("1996-03-15")]
        let serviceType = try field("service_type")
        #expect(parser.recheck(.single("contract-18-24"), for: serviceType, answers: young) == nil)
        #expect(
            parser.recheck(.single("contract-18-24"), for: serviceType, answers: older)
                == ValidationFailure(.choiceNotAllowedForAge, ["min": "18", "max": "24"]))
        #expect(parser.recheck(.multiple(["A", "BE"]), for: try field("driving_licence"), answers: [:]) == nil)
        #expect(parser.recheck(.single("yes"), for: try field("consent"), answers: [:]) == nil)
        #expect(parser.recheck(.single("+380671234567"), for: try field("phone"), answers: [:]) == nil)
    }

    @Test("on the LT form, DOMAIN.md's 33309240064 is a valid code agreeing with 1933-09-24, male")
    func lithuanianCode() throws {
        // Given the LT form's parser and the answers of the code's holder
        let lt = try KioskFiles.parser("lt-volunteer", .lt)
        let field = try #require(lt.form.field("personal_code"))
        let answers: [String: AnswerValue] = ["birth_date": .single("1933-09-24"), "sex": .single("male")]

        // Then the code parses (the age limit is the date-of-birth question's job)
        #expect(lt.parse(Applicant.ltCodeMale1933, for: field, answers: answers) == .success(.single("33309240064")))
        #expect(
            lt.parse(Applicant.ltCodeMale1933, for: field, answers: ["sex": .single("female")])
                == .failure(ValidationFailure(.ltCodeSexMismatch)))
    }

    @Test("yes/no options are labelled in the applicant's language")
    func yesNoOptions() throws {
        #expect(parser.yesNoOptions().map { $0.label.resolve(.en) } == ["Yes", "No"])
        #expect(
            try KioskFiles.parser("ua-contract", .uk).yesNoOptions().map { $0.label.resolve(.uk) } == ["Так", "Ні"])
        #expect(parser.yesNoOptions().map(\.value) == ["yes", "no"])
    }

    @Test("a required multi-choice question is not answered by commas alone")
    func requiredMultiChoiceCommas() throws {
        // Given the real form with the driving-licence question made required
        var form = parser.form
        let index = try #require(form.fields.firstIndex { $0.id == "driving_licence" })
        form.fields[index].required = true
        let strict = AnswerParser(
            form: form, catalog: parser.catalog, numbers: parser.numbers, strings: parser.strings, today: parser.today)

        // When the applicant types only commas
        // Then it is refused as unanswered
        #expect(strict.parse(" , ,", for: form.fields[index], answers: [:]) == .failure(ValidationFailure(.required)))
    }
}
