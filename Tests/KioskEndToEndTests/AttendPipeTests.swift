import Foundation
import Testing

/// The built `kiosk attend` with plain pipes, as on a serial line or in a script.
@Suite("kiosk attend through pipes")
struct AttendPipeTests {
    static let script = [
        "2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
        "+380 67 123 45 67", "", "1", "2", "no", "1", "7", "", "1", "yes", "confirm", "",
    ]

    @Test func aScriptedApplicationIsStoredAndTheKioskExitsAtEndOfInput() throws {
        // Given the whole application as lines on standard input
        let fixture = try KioskFixture()

        // When the kiosk reads it through a pipe
        let run = try fixture.run(["attend"], input: Self.script.joined(separator: "\n") + "\n")

        // Then it stored one application, printed its reference, and exited 0 at end of input
        #expect(run.status == 0)
        let reference = try #require(KioskFixture.reference(in: run.output))
        #expect(try fixture.sqlite("SELECT reference, state FROM application") == "\(reference)|submitted")
        #expect(!run.output.contains("\u{1B}"))  // no screen control on a pipe
    }

    @Test func crlfLineEndsWork() throws {
        let fixture = try KioskFixture()
        let run = try fixture.run(["attend"], input: Self.script.joined(separator: "\r\n") + "\r\n")
        #expect(run.status == 0)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "1")
    }

    @Test func endOfInputMidFormStoresNothing() throws {
        // Given half an application and then end of input
        let fixture = try KioskFixture()
        let run = try fixture.run(["attend"], input: Self.script.prefix(8).joined(separator: "\n") + "\n")

        // Then the kiosk exits 0 and nothing is stored
        #expect(run.status == 0)
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "0")
    }

    @Test func aOneMebibyteLineIsDiscardedWithAMessage() throws {
        // Given a 1 MiB answer to the first question, then the rest of a valid application
        let fixture = try KioskFixture()
        var lines = Self.script
        lines.insert(String(repeating: "x", count: 1 << 20), at: 1)

        // When the kiosk reads it
        let run = try fixture.run(["attend"], input: lines.joined(separator: "\n") + "\n")

        // Then the line is refused once, and the application still completes
        #expect(run.status == 0)
        #expect(run.output.components(separatedBy: "too long").count == 2)
        #expect(try fixture.sqlite("SELECT json_extract(answers, '$.surname') FROM application") == "Shevchenko")
    }

    @Test func escapeSequencesAsAnswersAreRefusedAndNeverEchoed() throws {
        // Given answers that try to set the window title, move the cursor, and reverse text
        let fixture = try KioskFixture()
        var lines = Self.script
        lines.insert("\u{1B}]0;pwned\u{07}", at: 1)
        lines.insert("Shev\u{1B}[2Jchenko", at: 1)
        lines.insert("\u{202E}oknehcvehS", at: 1)
        lines.insert("\u{9B}31m", at: 1)

        // When the kiosk reads them
        let run = try fixture.run(["attend"], input: lines.joined(separator: "\n") + "\n")

        // Then each is refused, no escape byte reaches the output, and the real answer is stored
        #expect(run.status == 0)
        #expect(run.output.components(separatedBy: "control keys").count == 5)
        #expect(!run.output.contains("\u{1B}") && !run.output.contains("\u{202E}") && !run.output.contains("\u{9B}"))
        #expect(try fixture.sqlite("SELECT json_extract(answers, '$.surname') FROM application") == "Shevchenko")
    }

    @Test func invalidAnswersGetTheValidatorsMessage() throws {
        // Given a wrong RNOKPP check digit, then a valid one of someone born in 1990
        let fixture = try KioskFixture()
        var lines = Self.script
        lines.insert(contentsOf: ["3652504576", "3299712375"], at: 6)

        // When the kiosk reads them
        let run = try fixture.run(["attend"], input: lines.joined(separator: "\n") + "\n")

        // Then the applicant is told what is wrong, and the valid number is stored
        #expect(run.status == 0)
        #expect(run.output.contains("a digit is wrong"))
        #expect(run.output.contains("does not match the date of birth"))
        #expect(try fixture.sqlite("SELECT json_extract(answers, '$.rnokpp') FROM application") == "3652504575")
    }
}
