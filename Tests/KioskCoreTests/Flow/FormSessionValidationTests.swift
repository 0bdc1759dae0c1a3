import Testing

@testable import KioskCore

@Suite("FormSession: refused answers and cross-field checks")
struct FormSessionValidationTests {
    @Test("a wrong RNOKPP is refused in the applicant's language and the question stays", arguments: Language.allCases)
    func badChecksum(language: Language) throws {
        // Given an applicant at the RNOKPP question, in one of the languages
        var driver = try FlowDriver(language: language)
        driver.answer([
            ("surname", "Shevchenko"), ("given_name", "Taras"), ("patronymic", ""), ("birth_date", "2000-01-01"),
            ("sex", "1"),
        ])

        // When they type a number whose check digit is wrong
        let question = try #require(driver.answer("rnokpp", Applicant.rnokppBadChecksum).question)

        // Then the RNOKPP is asked again with the checksum message in their language, and nothing is stored
        #expect(question.fieldID == "rnokpp")
        #expect(question.notice == .error(try KioskFiles.message("rnokpp.checksum", in: language)))
        #expect(driver.answers["rnokpp"] == nil)
    }

    @Test("the checksum message is really translated")
    func checksumTranslated() throws {
        #expect(
            try KioskFiles.message("rnokpp.checksum", in: .uk)
                == "Цей РНОКПП неправильний: якусь цифру введено з помилкою. Перевірте номер.")
        #expect(
            try KioskFiles.message("rnokpp.checksum", in: .en)
                == "This RNOKPP is not valid: a digit is wrong. Please check the number.")
    }

    struct Mismatch: Sendable, CustomTestStringConvertible {
        let birthDate: String
        let sex: String
        let rnokpp: String
        let code: String
        var testDescription: String { code }
    }

    @Test(
        "an RNOKPP that disagrees with the date of birth or sex is refused",
        arguments: [
            // 1996-03-15 male number for someone who said 2000-01-01 male
            Mismatch(
                birthDate: "2000-01-01", sex: "Male", rnokpp: Applicant.rnokppMale1996,
                code: "rnokpp.birth_date_mismatch"),
            // 2000-01-01 male number for someone who said 2000-01-01 female
            Mismatch(
                birthDate: "2000-01-01", sex: "Female", rnokpp: Applicant.rnokppMale2000,
                code: "rnokpp.sex_mismatch"),
            // 2000-01-01 female number for someone who said 2000-01-01 male
            Mismatch(
                birthDate: "2000-01-01", sex: "Male", rnokpp: Applicant.rnokppFemale2000,
                code: "rnokpp.sex_mismatch"),
        ])
    func mismatch(_ mismatch: Mismatch) throws {
        // Given an applicant who gave a date of birth and sex
        var driver = try FlowDriver()
        driver.answer(
            Array(UAContractScript.identity(birthDate: mismatch.birthDate, sex: mismatch.sex, rnokpp: "").dropLast()))

        // When they type an RNOKPP encoding another date or sex
        let question = try #require(driver.answer("rnokpp", mismatch.rnokpp).question)

        // Then the RNOKPP is asked again with the mismatch message
        #expect(question.fieldID == "rnokpp")
        #expect(question.notice == .error(try KioskFiles.message(mismatch.code)))
        #expect(driver.answers["rnokpp"] == nil)
    }

    @Test("editing the date of birth from the review makes the flow ask the RNOKPP again before the review")
    func birthDateEditRechecksRNOKPP() throws {
        // Given an applicant at the final review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let birth = try #require(driver.last.reviewSheet?.entry("birth_date"))

        // When they change the date of birth so the RNOKPP no longer agrees
        driver.type("\(birth.number)")
        let question = try #require(driver.answer("birth_date", "02.01.2000").question)

        // Then the RNOKPP is asked, showing the old number and the mismatch error
        #expect(question.fieldID == "rnokpp")
        #expect(question.current == Applicant.rnokppMale2000)
        #expect(question.notice == .error(try KioskFiles.message("rnokpp.birth_date_mismatch")))

        // When they press Enter to keep the stale number
        let again = try #require(driver.type("").question)

        // Then it is still refused
        #expect(again.fieldID == "rnokpp")
        #expect(again.notice == question.notice)

        // When they put the date back from the RNOKPP question's review and confirm
        let sheet = try #require(driver.type("review").reviewSheet)
        #expect(sheet.entry("birth_date")?.value == "2000-01-02")
        driver.type("\(birth.number)")
        let back = try #require(driver.answer("birth_date", "2000-01-01").reviewSheet)
        #expect(back.entry("birth_date")?.value == "2000-01-01")
        #expect(driver.type("confirm").draft?.answers["rnokpp"] == .single(Applicant.rnokppMale2000))
    }

    @Test("confirm with an answer an edit made invalid asks that answer instead of submitting")
    func confirmRechecks() throws {
        // Given an applicant who changed sex from the review and went back to the review without fixing the RNOKPP
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let sex = try #require(driver.last.reviewSheet?.entry("sex"))
        driver.type("\(sex.number)")
        try #require(driver.answer("sex", "2").question?.fieldID == "rnokpp")
        try #require(driver.type("review").reviewSheet != nil)

        // When they confirm
        let step = driver.type("confirm")

        // Then nothing is submitted: the RNOKPP is asked with the sex mismatch
        #expect(step.draft == nil)
        #expect(step.question?.fieldID == "rnokpp")
        #expect(step.notice == .error(try KioskFiles.message("rnokpp.sex_mismatch")))
    }

    @Test("consent no is refused with the must-agree message and yes goes on to the review")
    func consentNo() throws {
        // Given an applicant at the consent question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.toReview.dropLast()))
        #expect(driver.last.question?.fieldID == "consent")

        // When they answer no
        let question = try #require(driver.type("no").question)

        // Then consent is asked again with the must-be message and nothing is lost
        #expect(question.fieldID == "consent")
        #expect(
            question.notice
                == .error("You must agree to submit the application; type cancel if you do not want to continue."))
        #expect(driver.answers["consent"] == nil)
        #expect(driver.answers["surname"] == .single("Shevchenko"))

        // When they answer yes
        // Then the review follows
        #expect(driver.type("yes").reviewSheet != nil)
    }

    @Test(
        "a date of birth outside 18-60 or in the future is refused",
        arguments: [
            ("2010-01-01", "age.too_young", ["min": "18"]),
            ("28.11.2008", "age.too_young", ["min": "18"]),  // turns 18 the day after today
            ("1965-11-27", "age.too_old", ["max": "60"]),  // turns 61 today
            ("2027-01-01", "date.future", [:]),
            ("31.02.2000", "date.invalid", [:]),
            ("2000/01/01", "date.format", [:]),
        ] as [(String, String, [String: String])])
    func birthDateRefused(input: String, code: String, arguments: [String: String]) throws {
        // Given an applicant at the date-of-birth question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(3)))

        // When they type a date the form does not accept
        let question = try #require(driver.answer("birth_date", input).question)

        // Then the date is asked again with the matching message
        #expect(question.fieldID == "birth_date")
        #expect(question.notice == .error(try KioskFiles.message(code, arguments)))
    }

    @Test(
        "ages 18 and 60 exactly are accepted",
        arguments: [
            "27.11.2008",  // 18 today
            "1965-11-28",  // 60, turns 61 tomorrow
        ])
    func birthDateLimits(input: String) throws {
        // Given an applicant at the date-of-birth question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(3)))

        // When they type a date at an end of the range
        // Then the sex question follows
        #expect(driver.answer("birth_date", input).question?.fieldID == "sex")
    }
}
