import Testing

@testable import KioskCore

@Suite("FormSession: the real ua-contract form, start to submit")
struct FormSessionHappyPathTests {
    /// One applicant's typed lines where they differ between the runs, and what must be stored.
    struct HappyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let sexInput: String
        let sexStored: String
        let rnokpp: String
        let documentTypeInput: String
        let documentTypeStored: String
        let documentNumberInput: String
        let documentNumberStored: String
        let regionInput: String
        let regionStored: String
        var testDescription: String { name }
    }

    static let applicants: [HappyCase] = [
        HappyCase(
            name: "man, answers by label", sexInput: "Male", sexStored: "male", rnokpp: Applicant.rnokppMale2000,
            documentTypeInput: "ID card", documentTypeStored: "id-card",
            documentNumberInput: "123 456 789", documentNumberStored: "123456789",
            regionInput: "Lviv Oblast", regionStored: "lviv"),
        HappyCase(
            name: "woman, lower-case label and numbers", sexInput: "female", sexStored: "female",
            rnokpp: Applicant.rnokppFemale2000,
            documentTypeInput: "2", documentTypeStored: "passport",
            documentNumberInput: "ме 123456", documentNumberStored: "МЕ123456",
            regionInput: "3", regionStored: "volyn"),
    ]

    @Test("a complete application is submitted with the stored, normalised values", arguments: applicants)
    func happyPath(applicant: HappyCase) throws {
        // Given a fresh session on the real form in English
        var driver = try FlowDriver()

        // When the applicant answers every question, by number and by text
        driver.answer([
            ("surname", "Shevchenko"),
            ("given_name", "Taras"),
            ("patronymic", "Hryhorovych"),
            ("birth_date", "01.01.2000"),
            ("sex", applicant.sexInput),
            ("rnokpp", " \(applicant.rnokpp) "),
            ("document_type", applicant.documentTypeInput),
            ("document_number", applicant.documentNumberInput),
            ("phone", "067-123-45-67"),
            ("email", "taras.shevchenko@Example.COM"),
            ("region", applicant.regionInput),
            ("education", "Bachelor's degree"),
            ("prior_service", "no"),
            ("service_type", "1"),
            ("unit", "Demo Brigade 2 (fictional)"),
            ("position", "3"),
            ("driving_licence", "2, 1, 2"),
            ("health", "1"),
            ("consent", "yes"),
        ])

        // Then the review lists every question asked, with the answers as the applicant reads them
        let sheet = try #require(driver.last.reviewSheet)
        #expect(sheet.title == "Please check your answers")
        #expect(sheet.notice == nil)
        #expect(sheet.entries.map(\.number) == Array(1...19))
        #expect(sheet.entry("prior_rank") == nil)
        #expect(sheet.entry("prior_specialty") == nil)
        #expect(sheet.entry("birth_date")?.value == "2000-01-01")
        #expect(sheet.entry("phone")?.value == "+380671234567")
        #expect(sheet.entry("unit")?.value == "Demo Brigade 2 (fictional)")
        #expect(sheet.entry("position")?.value == "Signaller")
        #expect(sheet.entry("driving_licence")?.value == "A — motorcycles, B — cars")
        #expect(sheet.entry("prior_service")?.value == "No")
        #expect(sheet.entry("consent")?.value == "Yes")

        // When the applicant confirms
        let step = driver.type("confirm")

        // Then the draft holds the stored values: choice values, normalised date, phone and document
        let draft = try #require(step.draft)
        #expect(
            draft.answers == [
                "surname": .single("Shevchenko"),
                "given_name": .single("Taras"),
                "patronymic": .single("Hryhorovych"),
                "birth_date": .single("2000-01-01"),
                "sex": .single(applicant.sexStored),
                "rnokpp": .single(applicant.rnokpp),
                "document_type": .single(applicant.documentTypeStored),
                "document_number": .single(applicant.documentNumberStored),
                "phone": .single("+380671234567"),
                "email": .single("taras.shevchenko@example.com"),
                "region": .single(applicant.regionStored),
                "education": .single("bachelor"),
                "prior_service": .single("no"),
                "service_type": .single("contract"),
                "unit": .single("demo-brigade-2"),
                "position": .single("signaller"),
                "driving_licence": .multiple(["A", "B"]),
                "health": .single("no-known-conditions"),
                "consent": .single("yes"),
            ])
        #expect(driver.session.isOver)
    }

    @Test("the draft carries the form id, version, consent version and language")
    func draftMetadata() throws {
        // Given an applicant at the review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        try #require(driver.last.reviewSheet != nil)

        // When they confirm with the second English word for it
        let draft = try #require(driver.type("submit").draft)

        // Then the draft says which form and which consent text the answers belong to
        #expect(draft.formID == "ua-contract")
        #expect(draft.formVersion == 1)
        #expect(draft.consentVersion == "2026-11-uk-1")
        #expect(draft.language == .en)
        // And optional questions left empty are absent, not stored as empty text
        #expect(draft.answers["email"] == nil)
        #expect(draft.answers["driving_licence"] == nil)
        #expect(draft.answers["position"] == .single("rifleman"))
    }

    @Test("the first question shows its position, label and help")
    func firstQuestion() throws {
        // Given a fresh session
        let driver = try FlowDriver()

        // Then the first question is the surname, 1 of the 18 questions asked before any skip logic applies
        let question = try #require(driver.last.question)
        #expect(question.fieldID == "surname")
        #expect(question.number == 1)
        #expect(question.total == 18)
        #expect(question.label == "Surname")
        #expect(question.hints == ["As in your passport or ID card."])
        #expect(question.options.isEmpty)
        #expect(question.current == nil)
        #expect(question.notice == nil)
    }

    @Test("choice questions list their options and say how to answer")
    func choiceQuestion() throws {
        // Given an applicant who reached the sex question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(4)))

        // Then the options are the labels in English, with the choose-one hint after the help
        let question = try #require(driver.last.question)
        #expect(question.fieldID == "sex")
        #expect(question.options == ["Male", "Female"])
        #expect(question.hints == ["As stated in your identity document.", "Type the number of your choice."])
    }

    @Test("date questions show the format, yes/no questions how to answer")
    func hints() throws {
        // Given an applicant at the date-of-birth question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(3)))

        // Then the help comes first, then the accepted formats
        #expect(
            driver.last.question?.hints == [
                "Type it as YYYY-MM-DD or DD.MM.YYYY, e.g. 1995-04-23 or 23.04.1995.",
                "Format: YYYY-MM-DD or DD.MM.YYYY (e.g. 1995-04-23 or 23.04.1995)",
            ])

        // And the optional multi-choice question explains both ways to answer
        driver.answer(
            Array(UAContractScript.identity().dropFirst(3)) + UAContractScript.contact
                + UAContractScript.noPriorService + UAContractScript.service)
        let licence = try #require(driver.last.question)
        #expect(licence.fieldID == "driving_licence")
        #expect(
            licence.hints == [
                "Choose every category on your licence. If you have no driving licence, press Enter.",
                "Type the numbers separated by commas, or press Enter for none.",
                "(optional — press Enter to skip)",
            ])
        #expect(licence.options.count == 8)
    }

    @Test("optional questions say so, and Enter skips them")
    func optionalQuestion() throws {
        // Given an applicant at the patronymic question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(2)))
        let question = try #require(driver.last.question)
        #expect(question.fieldID == "patronymic")
        #expect(question.hints.last == "(optional — press Enter to skip)")

        // When they press Enter
        let next = try #require(driver.type("").question)

        // Then the next question is asked and nothing is stored for the patronymic
        #expect(next.fieldID == "birth_date")
        #expect(driver.answers["patronymic"] == nil)
    }

    @Test("after a refused store the review comes back and a second confirm submits again")
    func storeFailed() throws {
        // Given an applicant who confirmed
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let first = try #require(driver.type("confirm").draft)

        // When the database refuses the draft
        var session = driver.session
        let step = session.storeFailed(message: "Could not store.")

        // Then the review is shown with the error, and confirming again submits the same answers
        let sheet = try #require(step.reviewSheet)
        #expect(sheet.notice == .error("Could not store."))
        #expect(!session.isOver)
        let again = try #require(session.handle("confirm").draft)
        #expect(again == first)
    }
}
