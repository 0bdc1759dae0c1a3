import Testing

@testable import KioskCore

@Suite("FormSession: the ua-contract form in Ukrainian")
struct FormSessionUkrainianTests {
    /// Every answer up to the review, typed in Ukrainian.
    static let toReview: [(String, String)] = [
        ("surname", "Шевченко"),
        ("given_name", "Тарас"),
        ("patronymic", "Григорович"),
        ("birth_date", "01.01.2000"),
        ("sex", "Чоловіча"),
        ("rnokpp", Applicant.rnokppMale2000),
        ("document_type", "ID-картка"),
        ("document_number", "123456789"),
        ("phone", "+380 67 123 45 67"),
        ("email", ""),
        ("region", "львівська область"),
        ("education", "5"),
        ("prior_service", "ні"),
        ("service_type", "1"),
        ("unit", "Без побажань"),
        ("driving_licence", ""),
        ("health", "1"),
        ("consent", "так"),
    ]

    @Test("questions, options and the review are in Ukrainian")
    func texts() throws {
        // Given a fresh session in Ukrainian
        var driver = try FlowDriver(language: .uk)

        // Then the first question is in Ukrainian
        let first = try #require(driver.last.question)
        #expect(first.label == "Прізвище")
        #expect(first.hints == ["Як у паспорті або ID-картці."])

        // And a yes/no question offers Так / Ні
        driver.answer(Array(Self.toReview.prefix(12)))
        let prior = try #require(driver.last.question)
        #expect(prior.fieldID == "prior_service")
        #expect(prior.options == ["Так", "Ні"])
        #expect(prior.hints.last == "Дайте відповідь: так або ні.")
    }

    @Test("a whole application in Ukrainian is confirmed with підтвердити")
    func wholeForm() throws {
        // Given a session in Ukrainian
        var driver = try FlowDriver(language: .uk)

        // When the applicant answers everything in Ukrainian
        let sheet = try #require(driver.answer(Self.toReview).reviewSheet)

        // Then the review is in Ukrainian
        #expect(sheet.title == "Перевірте, будь ласка, свої відповіді")
        #expect(sheet.instructions == "Введіть номер відповіді, щоб її змінити, або підтвердити, щоб подати заяву.")
        #expect(sheet.entry("unit")?.value == "Без побажань")
        #expect(sheet.entry("prior_service")?.value == "Ні")
        #expect(sheet.entry("email")?.value == "(не вказано)")

        // When they type перегляд at the review
        // Then the instructions are repeated
        #expect(driver.type("перегляд").notice == .info(sheet.instructions))

        // When they type підтвердити
        let draft = try #require(driver.type("підтвердити").draft)

        // Then the Ukrainian labels were stored as the same stable values as in English
        #expect(draft.language == .uk)
        #expect(draft.answers["sex"] == .single("male"))
        #expect(draft.answers["document_type"] == .single("id-card"))
        #expect(draft.answers["region"] == .single("lviv"))
        #expect(draft.answers["prior_service"] == .single("no"))
        #expect(draft.answers["unit"] == .single("none"))
        #expect(draft.answers["consent"] == .single("yes"))
        #expect(draft.answers["phone"] == .single("+380671234567"))
    }

    @Test("назад at the first question gives the Ukrainian notice; назад later goes back")
    func back() throws {
        // Given a fresh session in Ukrainian
        var driver = try FlowDriver(language: .uk)

        // When the applicant types назад at once
        // Then the Ukrainian first-question notice is shown
        #expect(driver.type("назад").notice == .info("Це перше питання."))

        // When they answer the surname and type Назад
        driver.answer("surname", "Шевченко")
        let question = try #require(driver.type("Назад").question)

        // Then the surname is asked again with its answer
        #expect(question.fieldID == "surname")
        #expect(question.current == "Шевченко")

        // And the English word works too
        driver.type("")
        #expect(driver.type("back").question?.fieldID == "surname")
    }

    @Test("допомога shows the Ukrainian help and commands")
    func help() throws {
        // Given a session in Ukrainian at the RNOKPP question
        var driver = try FlowDriver(language: .uk)
        driver.answer(Array(Self.toReview.prefix(5)))

        // When the applicant types допомога
        let question = try #require(driver.type("допомога").question)

        // Then the field's Ukrainian help and the command list are shown
        #expect(question.fieldID == "rnokpp")
        let commands = try KioskFiles.strings(.uk).format(.promptCommands)
        #expect(
            question.notice
                == .info(
                    "Реєстраційний номер облікової картки платника податків (ідентифікаційний код) — 10 цифр.\n"
                        + commands))
    }

    @Test("скасувати then ні keeps the application; скасувати then так cancels it")
    func cancel() throws {
        // Given a session in Ukrainian with two answers
        var driver = try FlowDriver(language: .uk)
        driver.answer([("surname", "Шевченко"), ("given_name", "Тарас")])

        // When the applicant types скасувати, then ні
        #expect(driver.type("скасувати") == .confirmCancel(notice: nil))
        let question = try #require(driver.type("ні").question)

        // Then the same question comes back with the Ukrainian notice
        #expect(question.fieldID == "patronymic")
        #expect(question.notice == .info("Заяву не скасовано; продовжуйте заповнення."))

        // When they type скасувати, an unclear answer, then так
        driver.type("скасувати")
        #expect(driver.type("можливо") == .confirmCancel(notice: .error("Дайте відповідь: так або ні.")))
        let step = driver.type("так")

        // Then the application is cancelled and emptied
        #expect(step == .cancelled)
        #expect(driver.answers.isEmpty)
    }

    @Test(
        "yes/no questions take так, т, ні, н and the English words",
        arguments: [
            ("так", "yes"), ("Т", "yes"), ("ні", "no"), ("н", "no"), ("yes", "yes"), ("No", "no"), ("1", "yes"),
            ("2", "no"),
        ])
    func yesNoWords(input: String, stored: String) throws {
        // Given a Ukrainian session at the prior-service question
        var driver = try FlowDriver(language: .uk)
        driver.answer(Array(Self.toReview.prefix(12)))

        // When the applicant answers with one of the words
        driver.answer("prior_service", input)

        // Then the stable value is stored
        #expect(driver.answers["prior_service"] == .single(stored))
    }
}
