import Testing

@testable import KioskCore

@Suite("FormSession: skip logic and age-limited options")
struct FormSessionSkipLogicTests {
    /// Everything up to the prior-service question, for the default applicant.
    static let upToPriorService = UAContractScript.identity() + UAContractScript.contact

    @Test("prior service yes asks the rank and the specialty code")
    func priorServiceYes() throws {
        // Given an applicant at the prior-service question
        var driver = try FlowDriver()
        driver.answer(Self.upToPriorService)
        let asked = try #require(driver.last.question)
        #expect(asked.fieldID == "prior_service")
        #expect(asked.options == ["Yes", "No"])
        #expect(asked.total == 18)

        // When they answer yes
        let rank = try #require(driver.type("yes").question)

        // Then the rank is asked, and the two new questions count in the total
        #expect(rank.fieldID == "prior_rank")
        #expect(rank.number == asked.number + 1)
        #expect(rank.total == 20)

        // And after the rank comes the optional specialty code, then the service type
        #expect(driver.answer("prior_rank", "senior sergeant").question?.fieldID == "prior_specialty")
        #expect(driver.answer("prior_specialty", "100915A").question?.fieldID == "service_type")
        #expect(driver.answers["prior_rank"] == .single("senior sergeant"))
        #expect(driver.answers["prior_specialty"] == .single("100915A"))
    }

    @Test("prior service no skips the rank and the specialty code")
    func priorServiceNo() throws {
        // Given an applicant at the prior-service question
        var driver = try FlowDriver()
        driver.answer(Self.upToPriorService)

        // When they answer no (by number)
        let question = try #require(driver.answer("prior_service", "2").question)

        // Then the service type follows directly
        #expect(question.fieldID == "service_type")
        #expect(question.total == 18)
        #expect(driver.answers["prior_service"] == .single("no"))
    }

    @Test("changing prior service from yes to no in the review drops the rank from the draft")
    func priorServiceYesToNo() throws {
        // Given an applicant who said yes, gave a rank and a specialty, and reached the review
        var driver = try FlowDriver()
        driver.answer(
            Self.upToPriorService
                + [("prior_service", "yes"), ("prior_rank", "private"), ("prior_specialty", "")]
                + UAContractScript.service + UAContractScript.closing)
        let before = try #require(driver.last.reviewSheet)
        #expect(before.entry("prior_rank")?.value == "private")
        #expect(before.entry("prior_specialty")?.value == "(not given)")
        let priorService = try #require(before.entry("prior_service"))

        // When they change prior service to no
        driver.type("\(priorService.number)")
        let sheet = try #require(driver.answer("prior_service", "no").reviewSheet)

        // Then the review no longer lists the rank and the specialty, and the numbers close up
        #expect(sheet.entry("prior_rank") == nil)
        #expect(sheet.entry("prior_specialty") == nil)
        #expect(sheet.entries.count == before.entries.count - 2)
        #expect(sheet.entries.map(\.number) == Array(1...sheet.entries.count))

        // And the confirmed draft has no rank
        let draft = try #require(driver.type("confirm").draft)
        #expect(draft.answers["prior_service"] == .single("no"))
        #expect(draft.answers["prior_rank"] == nil)
        #expect(draft.answers.keys.contains("prior_rank") == false)
    }

    @Test("changing prior service from no to yes in the review asks the rank before the review")
    func priorServiceNoToYes() throws {
        // Given an applicant at the review who said no prior service
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let priorService = try #require(driver.last.reviewSheet?.entry("prior_service"))

        // When they change it to yes
        driver.type("\(priorService.number)")
        let question = try #require(driver.answer("prior_service", "yes").question)

        // Then the now-required rank is asked (the optional specialty is left for the review)
        #expect(question.fieldID == "prior_rank")
        let sheet = try #require(driver.answer("prior_rank", "private").reviewSheet)
        #expect(sheet.entry("prior_rank")?.value == "private")
        #expect(sheet.entry("prior_specialty")?.value == "(not given)")
    }

    @Test("unit no preference skips the position")
    func unitNoPreference() throws {
        // Given an applicant at the unit question
        var driver = try FlowDriver()
        driver.answer(Self.upToPriorService + UAContractScript.noPriorService + [("service_type", "1")])
        let unit = try #require(driver.last.question)
        #expect(unit.fieldID == "unit")
        #expect(
            unit.options == [
                "Demo Brigade 1 (fictional)", "Demo Brigade 2 (fictional)", "Demo Brigade 3 (fictional)",
                "Demo Assault Battalion 4 (fictional)", "Demo Artillery Brigade 5 (fictional)",
                "Demo Unmanned Systems Battalion 6 (fictional)", "No preference",
            ])

        // When they choose no preference by its label
        let question = try #require(driver.type("no preference").question)

        // Then the driving-licence question follows; no position is asked or stored
        #expect(question.fieldID == "driving_licence")
        #expect(driver.answers["unit"] == .single("none"))
        #expect(driver.answers["position"] == nil)
    }

    @Test("a unit asks for one of its own open positions")
    func unitPositions() throws {
        // Given an applicant at the unit question
        var driver = try FlowDriver()
        driver.answer(Self.upToPriorService + UAContractScript.noPriorService + [("service_type", "1")])

        // When they choose Demo Brigade 3 by number
        let question = try #require(driver.answer("unit", "3").question)

        // Then the position question lists that unit's positions only
        #expect(question.fieldID == "position")
        #expect(question.options == ["Drone operator", "Signaller"])

        // And a position of another unit is refused
        let refused = try #require(driver.type("Rifleman").question)
        #expect(refused.fieldID == "position")
        #expect(refused.notice == .error("Type one of the numbers shown."))

        // And one of its own is stored by its id
        #expect(driver.type("Signaller").question?.fieldID == "driving_licence")
        #expect(driver.answers["position"] == .single("signaller"))
    }

    @Test("changing the unit to no preference in the review drops the position")
    func unitToNoPreference() throws {
        // Given an applicant at the review with a unit and a position
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let unit = try #require(driver.last.reviewSheet?.entry("unit"))

        // When they change the unit to no preference
        driver.type("\(unit.number)")
        let sheet = try #require(driver.answer("unit", "7").reviewSheet)

        // Then the position is gone from the review and the draft
        #expect(sheet.entry("unit")?.value == "No preference")
        #expect(sheet.entry("position") == nil)
        #expect(driver.type("confirm").draft?.answers["position"] == nil)
    }

    @Test("changing the unit to one without the chosen position asks the position again")
    func unitChangeInvalidatesPosition() throws {
        // Given an applicant at the review with Demo Brigade 1, rifleman
        var driver = try FlowDriver()
        driver.answer(UAContractScript.toReview)
        let unit = try #require(driver.last.reviewSheet?.entry("unit"))

        // When they change to Demo Brigade 3, which has no rifleman
        driver.type("\(unit.number)")
        let question = try #require(driver.answer("unit", "3").question)

        // Then the position is asked with the unknown-choice error
        #expect(question.fieldID == "position")
        #expect(question.options == ["Drone operator", "Signaller"])
        #expect(question.notice == .error("Type one of the numbers shown."))
    }

    @Test("a definition whose position question can follow no preference never traps the applicant")
    func positionWithoutShowIf() throws {
        // Given the real form with the position's show_if removed
        var json = try JSONEdit.object("forms/ua-contract.json")
        try JSONEdit.field("position", in: &json) { $0.removeValue(forKey: "show_if") }
        let data = try JSONEdit.encode(json)
        // (refusing it at start would be a fix too)
        guard
            let form = try? DefinitionLoader.form(
                from: data, file: "forms/ua-contract.json", catalog: try KioskFiles.catalog())
        else { return }
        var driver = FlowDriver(
            FormSession(
                form: form, catalog: try KioskFiles.catalog(), numbers: try KioskFiles.numbers(),
                strings: try KioskFiles.strings(.en),
                today: KioskFiles.today))
        driver.answer(Self.upToPriorService + UAContractScript.noPriorService + [("service_type", "1")])

        // When the applicant chooses no preference
        let step = driver.answer("unit", "No preference")

        // Then they are not asked to pick a position out of none
        if let question = step.question, question.fieldID == "position" {
            #expect(!question.options.isEmpty, "the position question has no options and is required")
        }
    }

    // MARK: - Age-limited option

    @Test("the contract 18-24 option is offered to an applicant aged 20")
    func youngApplicantSeesContract1824() throws {
        // Given an applicant born 2006-03-15 (20 on 2026-11-27) at the service-type question
        var driver = try FlowDriver()
        driver.answer(
            UAContractScript.identity(birthDate: "15.03.2006", rnokpp: Applicant.rnokppMale2006)
                + UAContractScript.contact + UAContractScript.noPriorService)
        let question = try #require(driver.last.question)

        // Then both options are offered
        #expect(question.fieldID == "service_type")
        #expect(question.options == ["Contract", "Contract 18-24 (one-year)"])

        // When they choose the second
        driver.type("2")

        // Then its value is stored
        #expect(driver.answers["service_type"] == .single("contract-18-24"))
    }

    @Test("the contract 18-24 option is not offered at 26, and typing it says why")
    func olderApplicantDoesNotSeeContract1824() throws {
        // Given an applicant born 2000-01-01 (26) at the service-type question
        var driver = try FlowDriver()
        driver.answer(Self.upToPriorService + UAContractScript.noPriorService)
        let question = try #require(driver.last.question)

        // Then only the plain contract is offered
        #expect(question.options == ["Contract"])

        // When they type the age-limited option by name
        let refused = try #require(driver.type("Contract 18-24 (one-year)").question)

        // Then it is refused with the age message
        #expect(refused.fieldID == "service_type")
        #expect(refused.notice == .error("This option is only for ages 18–24."))

        // And the number 2, not shown, is simply unknown
        #expect(driver.type("2").notice == .error("Type one of the numbers shown."))
        #expect(driver.answers["service_type"] == nil)
    }

    @Test("making the applicant 30 from the review asks the RNOKPP, then the service type, again")
    func birthDateEditInvalidatesContract1824() throws {
        // Given an applicant aged 20 who chose contract 18-24 and reached the review
        var driver = try FlowDriver()
        driver.answer(
            UAContractScript.identity(birthDate: "15.03.2006", rnokpp: Applicant.rnokppMale2006)
                + UAContractScript.contact + UAContractScript.noPriorService
                + [("service_type", "2"), ("unit", "1"), ("position", "1")] + UAContractScript.closing)
        let sheet = try #require(driver.last.reviewSheet)
        #expect(sheet.entry("service_type")?.value == "Contract 18-24 (one-year)")
        let birth = try #require(sheet.entry("birth_date"))

        // When they change the date of birth to 1996-03-15 (30 years old)
        driver.type("\(birth.number)")
        let rnokpp = try #require(driver.answer("birth_date", "15.03.1996").question)

        // Then first the RNOKPP no longer agrees
        #expect(rnokpp.fieldID == "rnokpp")
        #expect(rnokpp.notice == .error(try KioskFiles.message("rnokpp.birth_date_mismatch")))

        // When they type the RNOKPP for the new date
        let serviceType = try #require(driver.answer("rnokpp", Applicant.rnokppMale1996).question)

        // Then the stored contract 18-24 is invalid for a 30-year-old and the service type is asked again
        #expect(serviceType.fieldID == "service_type")
        #expect(
            serviceType.notice
                == .error(try KioskFiles.message("choice.not_allowed_for_age", ["min": "18", "max": "24"])))
        #expect(serviceType.options == ["Contract"])
        #expect(serviceType.current == "Contract 18-24 (one-year)")

        // When they choose the plain contract
        let review = try #require(driver.type("1").reviewSheet)

        // Then the review follows and the draft holds the new answers
        #expect(review.entry("service_type")?.value == "Contract")
        let draft = try #require(driver.type("confirm").draft)
        #expect(draft.answers["birth_date"] == .single("1996-03-15"))
        #expect(draft.answers["rnokpp"] == .single(Applicant.rnokppMale1996))
        #expect(draft.answers["service_type"] == .single("contract"))
    }
}
