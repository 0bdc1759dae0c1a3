import Foundation
import KioskCore
import KioskTestSupport
import Testing

/// The built `kiosk attend` on a real pseudo-terminal, answered as a person would.
@Suite("kiosk attend on a pseudo-terminal")
struct AttendTerminalTests {
    /// (field, answer) for a complete Ukrainian contract application; labels come from the form.
    static let answers: [(String, String)] = [
        ("surname", "Шевченко"), ("given_name", "Тарас"), ("patronymic", ""), ("birth_date", "01.01.2000"),
        ("sex", "1"), ("rnokpp", "3652504575"), ("document_type", "1"), ("document_number", "123 456 789"),
        ("phone", "067-123-45-67"), ("email", "taras@example.com"), ("region", "1"), ("education", "2"),
        ("prior_service", "1"), ("prior_rank", "Sergeant"), ("prior_specialty", ""), ("service_type", "1"),
        ("unit", "1"), ("position", "2"), ("driving_licence", "2,3"), ("health", "1"), ("consent", "1"),
    ]

    func fill(_ terminal: PseudoTerminal, language: Language, confirm: String) throws {
        for (field, answer) in Self.answers {
            try terminal.expect(try KioskFixture.label(field, language))
            try terminal.expect("> ")
            terminal.sendLine(answer)
        }
        try terminal.expect("> ")
        terminal.sendLine(confirm)
    }

    @Test func anApplicationInEnglishIsStoredAndItsReferenceShown() throws {
        // Given the kiosk on a terminal
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")

        // When a person answers every question and confirms
        try fill(terminal, language: .en, confirm: "confirm")
        let shown = try terminal.expect("press Enter to finish")
        terminal.sendLine("")

        // Then the reference is shown, the kiosk exits, and the row is in SQLite as typed
        let reference = try #require(KioskFixture.reference(in: shown))
        #expect(try terminal.waitForExit() == 0)
        let row = try fixture.sqlite(
            """
            SELECT state, language, json_extract(answers, '$.rnokpp'), json_extract(answers, '$.phone'),
                   json_extract(answers, '$.birth_date'), json_extract(answers, '$.document_number'),
                   json_extract(answers, '$.driving_licence'), json_extract(answers, '$.prior_rank'),
                   form_id, form_version, consent_version
            FROM application WHERE reference = '\(reference)'
            """)
        #expect(
            row
                == "submitted|en|3652504575|+380671234567|2000-01-01|123456789|[\"B\",\"C\"]|Sergeant|ua-contract|1|2026-11-uk-1"
        )
        // And the stored digest is the SHA-256 of the definition file, as sha256sum computes it
        let digest = try KioskFixture.tool(
            "/usr/bin/sha256sum", [KioskFixture.kioskDir.appendingPathComponent("forms/ua-contract.json").path])
        #expect(try fixture.sqlite("SELECT form_sha256 FROM application") == String(digest.prefix(64)))
    }

    @Test func anApplicationInUkrainianWithUkrainianCommands() throws {
        // Given the kiosk on a terminal, Ukrainian chosen
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Оберіть мову")
        terminal.sendLine("1")

        // When the person asks for help and goes back once, then completes and confirms in Ukrainian
        try terminal.expect(try KioskFixture.label("surname", .uk))
        terminal.sendLine("допомога")
        try terminal.expect("i ")
        terminal.sendLine("Франко")
        try terminal.expect(try KioskFixture.label("given_name", .uk))
        terminal.sendLine("назад")
        try terminal.expect(try KioskFixture.label("surname", .uk))
        terminal.sendLine("")  // keeps the answer given before
        try terminal.expect(try KioskFixture.label("given_name", .uk))
        terminal.sendLine("Іван")
        for (field, answer) in Self.answers.dropFirst(2) {
            try terminal.expect(try KioskFixture.label(field, .uk))
            try terminal.expect("> ")
            terminal.sendLine(answer)
        }
        try terminal.expect("> ")
        terminal.sendLine("підтвердити")

        // Then the reference number is shown in Ukrainian and the answers are stored
        let shown = try terminal.expect("Enter")
        #expect(shown.contains("Ваш реєстраційний номер"))
        terminal.sendLine("")
        #expect(try terminal.waitForExit() == 0)
        #expect(
            try fixture.sqlite(
                "SELECT language, json_extract(answers, '$.surname') || ' ' || json_extract(answers, '$.given_name') FROM application"
            )
                == "uk|Франко Іван")
    }

    @Test func controlKeysNeverStopTheKiosk() throws {
        // Given the kiosk on a terminal, at the first question
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        try terminal.expect("Surname")

        // When Ctrl-C, Ctrl-\ and Ctrl-Z are pressed, and an arrow key is typed in an answer
        for key: UInt8 in [0x03, 0x1C, 0x1A] {
            terminal.sendBytes([key, 0x0D])
            try terminal.expect("control keys")
        }
        terminal.sendLine("Shev\u{1B}[Dchenko")
        try terminal.expect("control keys")

        // Then the kiosk is still there and accepts the next answer
        #expect(terminal.isRunning)
        terminal.sendLine("Shevchenko")
        try terminal.expect("Given name")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "0")
    }

    @Test func theIdleTimeoutDropsTheDraftAndClearsTheScreen() throws {
        // Given a kiosk with a 2-second idle timeout and a person who typed a surname and walked away
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once", "--idle-timeout", "2"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        try terminal.expect("Surname")
        terminal.sendLine("Walkaway")
        try terminal.expect("Given name")

        // When the timeout passes
        // Then the screen and the scrollback are cleared and the welcome screen returns
        try terminal.expect("\u{1B}[H\u{1B}[2J\u{1B}[3J", timeout: .seconds(15))
        let after = try terminal.expect("Choose a language")
        #expect(!after.contains("Walkaway"))

        // And the next person starts from an empty form
        terminal.sendLine("2")
        try terminal.expect("Question 1 of")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "0")
    }

    @Test func cancelAsksThenDropsTheDraft() throws {
        // Given a person halfway through the form
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        try terminal.expect("Surname")
        terminal.sendLine("Shevchenko")
        try terminal.expect("Given name")

        // When they cancel, and confirm
        terminal.sendLine("cancel")
        try terminal.expect("Cancel the application?")
        terminal.sendLine("yes")

        // Then the draft is gone and the welcome screen returns
        try terminal.expect("cancelled and deleted")
        try terminal.expect("Choose a language")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "0")
    }

    @Test func anOverlongLineAndInvalidBytesAreRefusedAndTheKioskGoesOn() throws {
        // Given the kiosk at the first question
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--once"])
        try terminal.expect("Choose a language")
        terminal.sendLine("2")
        try terminal.expect("Surname")

        // When a 2000-byte line (the tty driver keeps up to 4095) and invalid UTF-8 are typed
        terminal.sendLine(String(repeating: "A", count: 2000))
        try terminal.expect("too long")
        terminal.sendBytes([0x41, 0xFF, 0xFE, 0x0D])
        try terminal.expect("unreadable characters")

        // Then the question is still open
        terminal.sendLine("Shevchenko")
        try terminal.expect("Given name")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }
}
