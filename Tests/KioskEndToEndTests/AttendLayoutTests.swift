import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// What an applicant sees on a small console: the built `kiosk attend` on an 80×25 pseudo-terminal.
@Suite("kiosk attend layout on an 80-column terminal")
struct AttendLayoutTests {
    static let columns = 80
    static let rows = 25

    /// The lines the kiosk printed, without the screen-clearing sequence.
    static func lines(_ output: String) -> [String] {
        output.replacingOccurrences(of: "\u{1B}[H\u{1B}[2J\u{1B}[3J", with: "")
            .components(separatedBy: "\r\n")
    }

    /// `text` with every run of blanks and line breaks made one space, to find wrapped text.
    static func collapsed(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func strings(_ language: Language) throws -> [String: String] {
        let data = try Data(
            contentsOf: KioskFixture.kioskDir.appendingPathComponent("strings/\(language.rawValue).json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    static func form() throws -> FormDefinition {
        let data = try Data(contentsOf: KioskFixture.kioskDir.appendingPathComponent("forms/ua-contract.json"))
        return try JSONDecoder().decode(FormDefinition.self, from: data)
    }

    /// Answers the Ukrainian questions after the first `skipping` up to (not including) `field`.
    static func answer(until field: String, skipping: Int = 0, on terminal: PseudoTerminal) throws {
        for (id, answer) in AttendTerminalTests.answers.dropFirst(skipping) {
            if id == field { return }
            try terminal.expect(try KioskFixture.label(id, .uk))
            try terminal.expect("> ")
            terminal.sendLine(answer)
        }
    }

    @Test func everyLineFitsEightyColumnsAndWrapsBetweenWords() throws {
        // Given the kiosk on an 80-column terminal, in Ukrainian
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"], columns: Self.columns, rows: Self.rows)
        try terminal.expect("Оберіть мову")
        terminal.sendLine("1")

        // When the applicant asks for help at the first question and answers up to the consent
        try terminal.expect(try KioskFixture.label("surname", .uk))
        terminal.sendLine("допомога")
        try terminal.expect("i ")
        try terminal.expect("> ")
        terminal.sendLine("Франко")
        try Self.answer(until: "consent", skipping: 1, on: terminal)
        try terminal.expect(try KioskFixture.label("consent", .uk))
        try terminal.expect("> ")

        // Then no line is wider than the terminal, so the terminal never cuts one mid-word
        let output = terminal.output
        let wide = Self.lines(output).filter { $0.count > Self.columns }
        #expect(wide.isEmpty, "lines wider than 80 columns: \(wide.prefix(3))")
        // And the long texts are all there, whole words, only the line breaks moved
        let uk = try Self.strings(.uk)
        let screen = Self.collapsed(output)
        for key in ["welcome.intro", "prompt.commands"] {
            let text = try #require(uk[key])
            #expect(screen.contains(Self.collapsed(text)), "\(key) is not shown whole")
        }
        let surnameHelp = try #require(try Self.form().field("surname")?.help?.resolve(.uk))
        #expect(screen.contains(Self.collapsed(surnameHelp)))
        // And a continuation line keeps the indentation of the help it continues
        let helpLines = Self.lines(output).filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
        #expect(!helpLines.isEmpty)
    }

    @Test func theConsentTextIsShownInFullBeforeTheQuestionAndAgainOnHelp() throws {
        // Given an applicant who reached the consent question in English
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"], columns: Self.columns, rows: Self.rows)
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        for (id, answer) in AttendTerminalTests.answers where id != "consent" {
            try terminal.expect(try KioskFixture.label(id, .en))
            try terminal.expect("> ")
            terminal.sendLine(answer)
        }
        let consent = try Self.form().consent
        let text = Self.collapsed(consent.text.resolve(.en))

        // Then the whole consent text and its version stand above the consent question
        let question = try terminal.expect("> ")
        let shown = Self.collapsed(question)
        #expect(shown.contains(text))
        #expect(shown.contains("version \(consent.version)"))
        let textAt = try #require(shown.range(of: text))
        let labelAt = try #require(shown.range(of: try KioskFixture.label("consent", .en)))
        #expect(textAt.lowerBound < labelAt.lowerBound, "the text comes before the question")

        // When the applicant asks for help, the text is shown again
        terminal.sendLine("help")
        #expect(Self.collapsed(try terminal.expect("> ")).contains(text))

        // And agreeing stores the application with the version of the text that was shown
        terminal.sendLine("yes")
        try terminal.expect("> ")
        terminal.sendLine("confirm")
        try terminal.expect("press Enter to finish")
        terminal.sendLine("")
        #expect(try terminal.waitForExit() == 0)
        #expect(try fixture.sqlite("SELECT consent_version FROM application") == consent.version)
    }

    @Test func theRegionListFitsA25LineConsoleWithTheQuestionVisible() throws {
        // Given the kiosk on an 80×25 console, in Ukrainian, at the region question
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"], columns: Self.columns, rows: Self.rows)
        try terminal.expect("Оберіть мову")
        terminal.sendLine("1")
        try Self.answer(until: "region", on: terminal)
        let label = try KioskFixture.label("region", .uk)
        let screen = try terminal.expect("> ")

        // Then from the question's number to the prompt it takes at most 25 lines, so the
        // question stays on the screen, and every one of the 27 regions is offered
        let uk = try Self.strings(.uk)
        let header = try #require(uk["prompt.question_of"]?.components(separatedBy: "{").first)
        let lines = Self.lines(screen)
        let start = try #require(lines.lastIndex { $0.hasPrefix(header) })
        let question = Array(lines[start...])
        #expect(question.count <= Self.rows, "the question takes \(question.count) lines")
        #expect(question.contains { $0.contains(label) })
        let joined = question.joined(separator: "\n")
        for number in 1...27 { #expect(joined.contains("\(number)) "), "option \(number) is missing") }
        #expect(joined.contains("Автономна Республіка Крим"))
        #expect(joined.contains("місто Севастополь"))
        #expect(question.allSatisfy { $0.count <= Self.columns })

        // And a number from the second column chooses that region
        terminal.sendLine("26")
        try terminal.expect(try KioskFixture.label("education", .uk))
        try terminal.expect("> ")
        terminal.sendLine("перегляд")
        #expect(try terminal.expect("> ").contains("Автономна Республіка Крим"))
    }
}
