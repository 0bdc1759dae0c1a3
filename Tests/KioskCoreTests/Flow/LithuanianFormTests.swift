import Testing

@testable import KioskCore

@Suite("FormSession: the lt-volunteer form in Lithuanian")
struct LithuanianFormTests {
    /// A man born 2000-05-17 (26 on 2026-11-27), answering in Lithuanian.
    static let toReview: [(String, String)] = [
        ("surname", "Kazlauskas"),
        ("given_name", "Jonas"),
        ("birth_date", "2000-05-17"),
        ("sex", "Vyras"),
        ("personal_code", Applicant.ltCodeMale2000),
        ("phone", "8 612 34567"),
        ("email", ""),
        ("municipality", "Vilniaus apskritis"),
        ("education", "2"),
        ("prior_service", "ne"),
        ("service_type", "Savanorių tarnyba"),
        ("unit", "1"),
        ("driving_licence", "2"),
        ("health", "1"),
        ("consent", "taip"),
    ]

    @Test("a whole application in Lithuanian is confirmed with patvirtinti")
    func wholeForm() throws {
        // Given a session on the real LT form in Lithuanian
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)
        let first = try #require(driver.last.question)
        #expect(first.label == "Pavardė")
        #expect(first.total == 15)

        // When the applicant answers every question
        let sheet = try #require(driver.answer(Self.toReview).reviewSheet)

        // Then the review is in Lithuanian with the answers as labels
        #expect(sheet.title == "Patikrinkite savo atsakymus")
        #expect(sheet.entries.count == 15)
        #expect(sheet.entry("sex")?.value == "Vyras")
        #expect(sheet.entry("prior_service")?.value == "Ne")
        #expect(sheet.entry("unit")?.value == "Demonstracinis batalionas LT-1 (išgalvotas)")
        #expect(sheet.entry("email")?.value == "(nenurodyta)")

        // When they type patvirtinti
        let draft = try #require(driver.type("patvirtinti").draft)

        // Then the draft is for the LT form, in Lithuanian, with normalised stored values
        #expect(draft.formID == "lt-volunteer")
        #expect(draft.formVersion == 1)
        #expect(draft.consentVersion == "2026-11-lt-1")
        #expect(draft.language == .lt)
        #expect(
            draft.answers == [
                "surname": .single("Kazlauskas"),
                "given_name": .single("Jonas"),
                "birth_date": .single("2000-05-17"),
                "sex": .single("male"),
                "personal_code": .single(Applicant.ltCodeMale2000),
                "phone": .single("+37061234567"),
                "municipality": .single("vilnius"),
                "education": .single("secondary"),
                "prior_service": .single("no"),
                "service_type": .single("volunteer"),
                "unit": .single("demo-lt-battalion-1"),
                "driving_licence": .multiple(["B"]),
                "health": .single("no-known-conditions"),
                "consent": .single("yes"),
            ])
    }

    @Test("the unit question offers only Lithuanian units, and no position is asked")
    func units() throws {
        // Given an applicant at the unit question
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)
        driver.answer(Array(Self.toReview.prefix(11)))
        let question = try #require(driver.last.question)

        // Then the options are the two LT units and "no preference"
        #expect(question.fieldID == "unit")
        #expect(
            question.options == [
                "Demonstracinis batalionas LT-1 (išgalvotas)", "Demonstracinė savanorių kuopa LT-2 (išgalvota)",
                "Be pageidavimų",
            ])

        // And a Ukrainian unit is refused even by its stored id
        #expect(driver.type("demo-brigade-1").notice == .error(try KioskFiles.message("choice.unknown", in: .lt)))
    }

    @Test("DOMAIN.md's 33309240064 holder, born 1933, is above the volunteer age limit of 38")
    func tooOld() throws {
        // Given an applicant at the date-of-birth question
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)
        driver.answer(Array(Self.toReview.prefix(2)))

        // When they type 1933-09-24
        let question = try #require(driver.answer("birth_date", "24.09.1933").question)

        // Then the date is refused with the Lithuanian age message naming 38
        #expect(question.fieldID == "birth_date")
        #expect(question.notice == .error("Šis prašymas skirtas tik ne vyresniems kaip 38 metų asmenims."))
    }

    @Test(
        "a personal code that is wrong or disagrees is refused in Lithuanian",
        arguments: [
            ("Vyras", "50005171235", "lt_code.checksum"),  // check digit should be 4
            ("Moteris", Applicant.ltCodeMale2000, "lt_code.sex_mismatch"),
            ("Vyras", "60005171235", "lt_code.sex_mismatch"),  // the same day, G=6 (female)
            ("Vyras", Applicant.ltCodeMale1933, "lt_code.birth_date_mismatch"),
            ("Vyras", "5000517123", "lt_code.format"),
        ])
    func personalCodeRefused(sex: String, code: String, failure: String) throws {
        // Given an applicant born 2000-05-17 at the personal-code question
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)
        driver.answer([("surname", "Kazlauskas"), ("given_name", "Jonas"), ("birth_date", "2000-05-17"), ("sex", sex)])

        // When they type the code
        let question = try #require(driver.answer("personal_code", code).question)

        // Then it is refused with the message in Lithuanian
        #expect(question.fieldID == "personal_code")
        #expect(question.notice == .error(try KioskFiles.message(failure, in: .lt)))
        #expect(driver.answers["personal_code"] == nil)
    }

    @Test("a Ukrainian phone number is refused on the LT form")
    func ukrainianPhone() throws {
        // Given an applicant at the phone question
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)
        driver.answer(Array(Self.toReview.prefix(5)))

        // When they type a Ukrainian mobile number
        let question = try #require(driver.answer("phone", "+380 67 123 45 67").question)

        // Then the country message is shown
        #expect(question.notice == .error(try KioskFiles.message("phone.country", in: .lt)))
    }

    @Test("Lithuanian commands: atgal, pagalba, peržiūra, atšaukti + ne, atsaukti + taip")
    func commands() throws {
        // Given a session in Lithuanian
        var driver = try FlowDriver(form: "lt-volunteer", language: .lt)

        // When the applicant types atgal at the first question
        // Then the Lithuanian first-question notice is shown
        #expect(driver.type("atgal").notice == .info("Tai pirmasis klausimas."))

        // When they type pagalba
        let help = try #require(driver.type("pagalba").question)
        // Then the Lithuanian help is shown
        guard case .info(let text) = help.notice else {
            Issue.record("expected an info notice, got \(String(describing: help.notice))")
            return
        }
        #expect(text.hasPrefix("Kaip nurodyta pase arba ID kortelėje.\n"))

        // When they answer and type peržiūra
        driver.answer("surname", "Kazlauskas")
        let sheet = try #require(driver.type("peržiūra").reviewSheet)
        // Then the review shows the answer
        #expect(sheet.entry("surname")?.value == "Kazlauskas")

        // When they type atšaukti, then ne
        #expect(driver.type("atšaukti").isConfirmCancel)
        // Then the review is back with the Lithuanian notice
        #expect(driver.type("ne").notice == .info("Prašymas neatšauktas; tęskite pildymą."))

        // When they type atsaukti (without the diacritic), then taip
        #expect(driver.type("atsaukti").isConfirmCancel)
        // Then the application is cancelled
        #expect(driver.type("taip") == .cancelled)
        #expect(driver.answers.isEmpty)
    }
}
