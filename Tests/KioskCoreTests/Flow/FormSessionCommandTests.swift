import Testing

@testable import KioskCore

@Suite("FormSession: back, help, review and cancel")
struct FormSessionCommandTests {
    // MARK: - back

    @Test("back at the first question stays there with an info notice")
    func backAtStart() throws {
        // Given a fresh session
        var driver = try FlowDriver()

        // When the applicant types back
        let question = try #require(driver.type("back").question)

        // Then the first question is asked again with the "first question" notice
        #expect(question.fieldID == "surname")
        #expect(question.notice == .info("This is the first question."))
        #expect(driver.answers.isEmpty)
    }

    @Test("back goes to the previous question and shows the answer given")
    func backToPrevious() throws {
        // Given an applicant at the patronymic question
        var driver = try FlowDriver()
        driver.answer([("surname", "Shevchenko"), ("given_name", "Taras")])

        // When they type back
        let question = try #require(driver.type("back").question)

        // Then the given-name question is asked again with the current answer and no notice
        #expect(question.fieldID == "given_name")
        #expect(question.number == 2)
        #expect(question.current == "Taras")
        #expect(question.notice == nil)

        // When they press Enter
        let next = try #require(driver.type("").question)

        // Then the answer is kept and the flow moves on
        #expect(next.fieldID == "patronymic")
        #expect(driver.answers["given_name"] == .single("Taras"))
    }

    @Test("back skips questions the skip logic hides")
    func backSkipsHidden() throws {
        // Given an applicant who said no prior service and is at the service-type question
        var driver = try FlowDriver()
        driver.answer(UAContractScript.identity() + UAContractScript.contact + UAContractScript.noPriorService)
        #expect(driver.last.question?.fieldID == "service_type")

        // When they type back
        let question = try #require(driver.type("back").question)

        // Then the prior-service question is asked, not the hidden rank or specialty
        #expect(question.fieldID == "prior_service")
        #expect(question.current == "No")
    }

    @Test("back is understood in upper case and with surrounding spaces")
    func backCaseInsensitive() throws {
        // Given an applicant at the given-name question
        var driver = try FlowDriver()
        driver.answer("surname", "Shevchenko")

        // When they type "  BACK "
        let question = try #require(driver.type("  BACK ").question)

        // Then it is the back command, not an answer
        #expect(question.fieldID == "surname")
        #expect(driver.answers["given_name"] == nil)
    }

    // MARK: - help

    @Test("help shows the field's help and the commands as an info notice, and stays on the question")
    func help() throws {
        // Given an applicant at the RNOKPP question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(5)))

        // When they type help
        let question = try #require(driver.type("help").question)

        // Then the same question is asked with the field's help and the commands
        #expect(question.fieldID == "rnokpp")
        #expect(
            question.notice
                == .info(
                    "Your taxpayer registration number (formerly the identification code): 10 digits.\n"
                        + "At any question you can type: back, help, review, cancel"))
        #expect(driver.answers["rnokpp"] == nil)

        // And "?" means help too
        #expect(driver.type("?").question?.notice == question.notice)
    }

    @Test("help at a question without help text says there is no more help")
    func helpWithoutText() throws {
        // Given the real form with the surname's help removed
        var form = try KioskFiles.form("ua-contract")
        form.fields[0].help = nil
        var driver = FlowDriver(
            FormSession(
                form: form, catalog: try KioskFiles.catalog(), numbers: try KioskFiles.numbers(),
                strings: try KioskFiles.strings(.en),
                today: KioskFiles.today))
        #expect(driver.last.question?.hints.isEmpty == true)

        // When the applicant types help
        let question = try #require(driver.type("help").question)

        // Then the no-help text and the commands are shown
        #expect(
            question.notice
                == .info(
                    "There is no more help for this question; ask at the desk.\n"
                        + "At any question you can type: back, help, review, cancel"))
    }

    // MARK: - review

    @Test("review in the middle of the form shows the answers so far")
    func reviewMidForm() throws {
        // Given an applicant who answered surname and given name
        var driver = try FlowDriver()
        driver.answer([("surname", "Shevchenko"), ("given_name", "Taras")])

        // When they type review
        let sheet = try #require(driver.type("review").reviewSheet)

        // Then every question currently asked is listed, numbered, with "(not given)" where unanswered
        #expect(sheet.entries.count == 18)
        #expect(sheet.entries.map(\.number) == Array(1...18))
        #expect(sheet.entries[0] == .init(number: 1, fieldID: "surname", label: "Surname", value: "Shevchenko"))
        #expect(sheet.entries[1].value == "Taras")
        #expect(sheet.entries[2].fieldID == "patronymic")
        #expect(sheet.entries[2].value == "(not given)")
        #expect(
            sheet.instructions == "Type a number to change that answer, or confirm to submit your application.")
    }

    @Test("confirm in a review before the end asks the first required question left")
    func confirmIncomplete() throws {
        // Given an applicant who looked at the review after three answers
        var driver = try FlowDriver()
        driver.answer([("surname", "Shevchenko"), ("given_name", "Taras"), ("patronymic", "")])
        try #require(driver.type("review").reviewSheet != nil)

        // When they type confirm
        let step = driver.type("confirm")

        // Then nothing is submitted; the date of birth is asked
        #expect(step.draft == nil)
        #expect(step.question?.fieldID == "birth_date")
        #expect(!driver.session.isOver)
    }

    @Test("from the review, a number edits that answer and the review comes back")
    func reviewEdit() throws {
        // Given an applicant at the final review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let sheet = try #require(driver.last.reviewSheet)
        let region = try #require(sheet.entry("region"))

        // When they type the region's number
        let question = try #require(driver.type("\(region.number)").question)

        // Then the region question is asked with its current answer
        #expect(question.fieldID == "region")
        #expect(question.current == "Lviv Oblast")

        // When they type another region by name
        let after = try #require(driver.type("odesa oblast").reviewSheet)

        // Then the review comes back at once with the new answer
        #expect(after.entry("region")?.value == "Odesa Oblast")
        #expect(driver.answers["region"] == .single("odesa"))
        #expect(after.entries.count == sheet.entries.count)
    }

    @Test("from the review, Enter at an edited question keeps the current answer")
    func reviewEditKeep() throws {
        // Given an applicant editing the surname from the review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let before = try #require(driver.last.reviewSheet)
        try #require(driver.type("1").question?.fieldID == "surname")

        // When they press Enter
        let after = try #require(driver.type("").reviewSheet)

        // Then the review is shown again with nothing changed
        #expect(after.entries == before.entries)
        #expect(driver.answers["surname"] == .single("Shevchenko"))
    }

    @Test("from the review, back at an edited question returns to the review without a change")
    func reviewEditBack() throws {
        // Given an applicant editing the phone from the review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let before = try #require(driver.last.reviewSheet)
        let phone = try #require(before.entry("phone"))
        try #require(driver.type("\(phone.number)").question?.fieldID == "phone")

        // When they type back
        let after = try #require(driver.type("back").reviewSheet)

        // Then the review is shown again unchanged
        #expect(after.entries == before.entries)
    }

    @Test("an invalid answer while editing from the review is refused and asked again")
    func reviewEditInvalid() throws {
        // Given an applicant editing the phone from the review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let phone = try #require(driver.last.reviewSheet?.entry("phone"))
        driver.type("\(phone.number)")

        // When they type a Lithuanian number on the Ukrainian form
        let question = try #require(driver.type("+370 612 34567").question)

        // Then the phone is asked again with the country error, and the old answer is kept
        #expect(question.fieldID == "phone")
        #expect(question.notice == .error("Only mobile numbers of the country this form is for are accepted."))
        #expect(driver.answers["phone"] == .single("+380671234567"))
    }

    @Test(
        "a number that is not on the review is refused",
        arguments: ["0", "20", "-1", "abc", ""])
    func reviewUnknownNumber(input: String) throws {
        // Given an applicant at the final review (19 entries)
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let before = try #require(driver.last.reviewSheet)

        // When they type something that is neither a listed number nor a command
        let after = try #require(driver.type(input).reviewSheet)

        // Then the review stays, with an error
        #expect(after.notice == .error("There is no answer with that number."))
        #expect(after.entries == before.entries)
    }

    @Test("help at the review repeats the instructions")
    func reviewHelp() throws {
        // Given an applicant at the final review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)

        // When they type help
        let sheet = try #require(driver.type("help").reviewSheet)

        // Then the instructions come as an info notice
        #expect(sheet.notice == .info(sheet.instructions))
    }

    // MARK: - cancel

    @Test("cancel asks to confirm; no returns to the same question with a notice and keeps the answers")
    func cancelNo() throws {
        // Given an applicant at the sex question
        var driver = try FlowDriver()
        driver.answer(Array(UAContractScript.identity().prefix(4)))
        let answersBefore = driver.answers

        // When they type cancel
        let step = driver.type("cancel")

        // Then they are asked to confirm, without a notice
        #expect(step == .confirmCancel(notice: nil))

        // When they answer no
        let question = try #require(driver.type("no").question)

        // Then the same question is asked with the "kept" notice and nothing is lost
        #expect(question.fieldID == "sex")
        #expect(question.notice == .info("The application was kept; continue."))
        #expect(driver.answers == answersBefore)
        #expect(!driver.session.isOver)
    }

    @Test("cancel then yes drops the application and empties the answers")
    func cancelYes() throws {
        // Given an applicant halfway through
        var driver = try FlowDriver()
        driver.answer(UAContractScript.identity())
        try #require(!driver.answers.isEmpty)

        // When they type cancel, then yes
        driver.type("cancel")
        let step = driver.type("yes")

        // Then the application is cancelled and nothing typed remains
        #expect(step == .cancelled)
        #expect(driver.answers.isEmpty)
        #expect(driver.session.isOver)

        // And further lines do nothing but say so
        #expect(driver.type("Shevchenko") == .cancelled)
        #expect(driver.answers.isEmpty)
    }

    @Test("cancel from the review, then no, returns to the review")
    func cancelFromReview() throws {
        // Given an applicant at the final review
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let before = try #require(driver.last.reviewSheet)

        // When they type cancel, then n
        #expect(driver.type("cancel").isConfirmCancel)
        let sheet = try #require(driver.type("n").reviewSheet)

        // Then the review is back with the "kept" notice and the same answers
        #expect(sheet.notice == .info("The application was kept; continue."))
        #expect(sheet.entries == before.entries)
    }

    @Test("an unclear answer to the cancel question asks again")
    func cancelUnclear() throws {
        // Given an applicant asked whether to cancel
        var driver = try FlowDriver()
        driver.answer("surname", "Shevchenko")
        driver.type("cancel")

        // When they type something that is not yes or no
        let step = driver.type("maybe")

        // Then the question is repeated with an error and nothing is dropped
        #expect(step == .confirmCancel(notice: .error("Answer yes or no.")))
        #expect(driver.answers["surname"] == .single("Shevchenko"))

        // And yes still cancels afterwards
        #expect(driver.type("Y") == .cancelled)
    }
}
