import Foundation
import KioskTestSupport
import Testing

/// The built `kiosk review` in Ukrainian and Lithuanian: its own texts, not only the form's.
@Suite("kiosk review in Ukrainian and Lithuanian")
struct ReviewLanguageTests {
    static func strings(_ language: String) throws -> [String: String] {
        let data = try Data(contentsOf: KioskFixture.kioskDir.appendingPathComponent("strings/\(language).json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    /// Logs in on a pty with `options`, in the language whose prompts are in `strings`.
    func logIn(_ fixture: KioskFixture, _ strings: [String: String], options: [String] = []) throws -> PseudoTerminal {
        let terminal = try fixture.terminal(["review", "--login-delay-ms", "100"] + options)
        try terminal.expect(try #require(strings["console.welcome"]))
        try terminal.expect(try #require(strings["console.prompt.staff_id"]))
        terminal.sendLine("olena")
        try terminal.expect(try #require(strings["console.prompt.password"]))
        terminal.sendLine(KioskFixture.supervisorPassword)
        try terminal.expect("review> ", timeout: .seconds(20))
        return terminal
    }

    @Test func withLangUkEveryConsoleTextIsUkrainian() throws {
        // Given an application and a supervisor
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        let uk = try Self.strings("uk")
        let en = try Self.strings("en")

        // When she works with --lang uk
        let terminal = try logIn(fixture, uk, options: ["--lang", "uk"])
        let help = try fixture.command(terminal, "help")
        let list = try fixture.command(terminal, "list")
        let show = try fixture.command(terminal, "show \(reference)")
        let approve = try fixture.command(terminal, "approve \(reference)")
        let unknown = try fixture.command(terminal, "frobnicate")

        // Then the console's own texts are the Ukrainian ones, and no English one is left
        func flat(_ text: String) -> String {
            text.replacingOccurrences(of: "\r\n", with: " ").split(separator: " ").joined(separator: " ")
        }
        #expect(flat(help).contains(try #require(uk["console.help.title"])))
        #expect(flat(help).contains(try #require(uk["console.help.approve"])))
        #expect(list.contains("Номер") && list.contains("Подано") && list.contains("Стан"))
        #expect(flat(show).contains("Відповіді:") && flat(show).contains("Історія:"))
        #expect(show.contains("РНОКПП"), "the form's own labels follow the language too")
        #expect(flat(approve).contains(flat("\(reference) схвалено; заява піде до штабу в наступному пакеті.")))
        #expect(flat(unknown).contains("Невідома команда «frobnicate»"))
        for key in ["console.help.title", "console.help.approve", "console.sheet.answers", "console.sheet.history"] {
            #expect(!flat(help + show).contains(try #require(en[key])), "\(key) is still English")
        }
        #expect(try fixture.sqlite("SELECT state FROM application") == "approved")
    }

    @Test func theConfigsStaffLanguageIsTheDefaultAndLangOverridesIt() throws {
        let fixture = try KioskFixture()
        try fixture.submitApplications()
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        try fixture.writeConfig(KioskFixture.config(#""staff_language": "lt""#))

        // With the configuration alone the console speaks Lithuanian
        let lithuanian = try logIn(fixture, try Self.strings("lt"))
        let outbox = try fixture.command(lithuanian, "outbox")
        #expect(outbox.contains("Patvirtinta, dar neįtraukta į paketą: 0"))
        lithuanian.sendLine("quit")
        #expect(try lithuanian.waitForExit() == 0)

        // And --lang en wins over it
        let english = try logIn(fixture, try Self.strings("en"), options: ["--lang", "en"])
        #expect(try fixture.command(english, "outbox").contains("Approved, not yet sealed into a batch: 0"))
    }

    @Test func aStaffLanguageThatIsNotOfferedIsRefusedAtStart() throws {
        let fixture = try KioskFixture()
        try fixture.writeConfig(KioskFixture.config(#""staff_language": "de""#))
        let run = try fixture.run(["review"])
        #expect(run.status != 0)
        #expect(run.error.contains(#"key "staff_language" must be uk, en or lt"#))
    }
}
