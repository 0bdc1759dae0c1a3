import Foundation
import Testing

/// The built `kiosk review` on a real pseudo-terminal, driven as staff at the desk would.
@Suite("kiosk review on a pseudo-terminal")
struct ReviewTerminalTests {
    @Test func aNewcomerAddsAnAccountReviewsTheApplicationJustEnteredAndApprovesIt() throws {
        // Given an application entered at the kiosk and a supervisor account, as in the README
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)

        // When she logs in on the console
        let terminal = try fixture.terminal(["review"])
        try terminal.expect("Staff ID: ")
        terminal.sendLine("olena")
        try terminal.expect("Password: ")
        terminal.sendLine(KioskFixture.supervisorPassword)
        let login = try terminal.expect("review> ", timeout: .seconds(20))

        // Then the password was not echoed
        #expect(login.contains("Logged in as Olena Ivanenko (olena, supervisor)."))
        #expect(!terminal.output.contains(KioskFixture.supervisorPassword))

        // When she lists, shows and approves the application, then logs out
        let list = try fixture.command(terminal, "list")
        #expect(list.contains(reference) && list.contains("Shevchenko Taras") && list.contains("submitted"))
        let show = try fixture.command(terminal, "show \(reference)")
        #expect(show.contains("6. RNOKPP [rnokpp]: 3652504575"))
        // And on the 80-column terminal the long answers wrap between words, none is cut by the terminal
        #expect(show.components(separatedBy: "\r\n").allSatisfy { $0.count <= 80 })
        let health = "I know of no health condition that would prevent military service"
        #expect(
            show.replacingOccurrences(of: "\r\n", with: " ").split(separator: " ").joined(separator: " ").contains(
                health))
        let approve = try fixture.command(terminal, "approve \(reference)")
        #expect(approve.contains("\(reference) approved"))
        let logout = try fixture.command(terminal, "logout", until: "Staff ID: ")

        // Then the screen and scrollback are cleared, and the decision is stored with who made it
        #expect(logout.contains("\u{1B}[H\u{1B}[2J\u{1B}[3J"))
        #expect(try fixture.sqlite("SELECT state FROM application") == "approved")
        #expect(
            try fixture.sqlite("SELECT staff_id, action, from_state, to_state FROM review_event")
                == "olena|approve|submitted|approved")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func wrongPasswordsAreDelayedLongerEachTimeAndCountedInTheDatabaseUntilUnlocked() throws {
        // Given an account, and a console whose base delay is 200 ms (production: 1 s)
        let fixture = try KioskFixture()
        try fixture.addStaff("petro", name: "Petro Bondar", role: "reviewer", password: KioskFixture.reviewerPassword)
        let terminal = try fixture.terminal(["review", "--login-delay-ms", "200"])
        try terminal.expect("Staff ID: ")

        // When a wrong password is typed five times
        var waits: [Duration] = []
        for attempt in 1...5 {
            terminal.sendLine("petro")
            try terminal.expect("Password: ")
            terminal.sendLine("wrong guess \(attempt)")
            try terminal.expect("Login failed.", timeout: .seconds(20))
            let failed = ContinuousClock.now
            try terminal.expect("Staff ID: ", timeout: .seconds(20))
            waits.append(ContinuousClock.now - failed)
        }

        // Then each wait is longer (0.2, 0.4, 0.8, 1.6 s, then no longer)
        #expect(waits[0] >= .milliseconds(180) && waits[1] >= .milliseconds(380))
        #expect(waits[2] >= .milliseconds(780) && waits[3] >= .milliseconds(1580) && waits[4] >= .milliseconds(1580))
        #expect(waits[1] > waits[0] && waits[2] > waits[1] && waits[3] > waits[2])

        // And the failures are counted in the database (a restart keeps the account's wait), no lock set
        #expect(try fixture.sqlite("SELECT failed_logins, locked_at IS NULL FROM staff") == "5|1")

        // And an unknown ID gets exactly the same message
        terminal.sendLine("nobody")
        try terminal.expect("Password: ")
        terminal.sendLine("whatever it is")
        try terminal.expect("Login failed. Check the staff ID and the password.", timeout: .seconds(20))
        try terminal.expect("Staff ID: ", timeout: .seconds(20))

        // When an operator unlocks the account (ending its wait), the right password works
        #expect(try fixture.run(["staff", "unlock", "petro"]).status == 0)
        terminal.sendLine("petro")
        try terminal.expect("Password: ")
        terminal.sendLine(KioskFixture.reviewerPassword)
        try terminal.expect("Logged in as Petro Bondar", timeout: .seconds(20))
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func rejectIssueNoteAndSearch() throws {
        // Given three applications and a reviewer
        let fixture = try KioskFixture()
        let references = try fixture.submitApplications(surnames: ["Shevchenko", "Franko", "Kosach"])
        try fixture.addStaff("petro", name: "Petro Bondar", role: "reviewer", password: KioskFixture.reviewerPassword)
        let terminal = try fixture.reviewTerminal("petro", password: KioskFixture.reviewerPassword)

        // When the reviewer searches by surname and decides
        let found = try fixture.command(terminal, "search franko")
        #expect(found.contains(references[1]) && !found.contains(references[0]) && found.contains("1 found."))
        #expect(try fixture.command(terminal, "search 3652504575").contains("3 found."))
        #expect(try fixture.command(terminal, "reject \(references[0]) Not eligible: withdrew").contains("rejected."))
        #expect(
            try fixture.command(terminal, "issue \(references[1]) Bring the original passport").contains("has issues"))
        #expect(try fixture.command(terminal, "note \(references[2]) Documents checked").contains("Note added"))
        #expect(try fixture.command(terminal, "list has-issues").contains(references[1]))

        // Then the states and the history are stored
        #expect(try fixture.sqlite("SELECT state FROM application ORDER BY id") == "rejected\nhas-issues\nsubmitted")
        #expect(
            try fixture.sqlite("SELECT action || ':' || note FROM review_event ORDER BY id")
                == "reject:Not eligible: withdrew\nissue:Bring the original passport\nnote:Documents checked")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func anEditRefusesABadValueWithTheValidatorsMessageAndKeepsTheOldValue() throws {
        // Given an approved application
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        let terminal = try fixture.reviewTerminal()
        try fixture.command(terminal, "approve \(reference)")

        // When the document number is edited, first to something that is not an ID-card number
        let start = try fixture.command(terminal, "edit \(reference) document_number", until: "new value> ")
        #expect(start.replacingOccurrences(of: "\r\n", with: " ").contains("now: 123456789"))
        let refused = try fixture.command(terminal, "12-34", until: "new value> ")

        // Then the kiosk's validator message refuses it
        #expect(refused.contains("! An ID card number has 9 digits."))

        // When a valid number and a reason follow
        try fixture.command(terminal, "987 654 321", until: "reason> ")
        let done = try fixture.command(terminal, "Typo at the kiosk")

        // Then it is stored, the old value kept in the history, and the application is back to review
        #expect(done.contains("back to submitted"))
        #expect(
            try fixture.sqlite("SELECT state, json_extract(answers, '$.document_number') FROM application")
                == "submitted|987654321")
        #expect(
            try fixture.sqlite("SELECT field, old_value, new_value, note FROM review_event WHERE action = 'edit'")
                == "document_number|\"123456789\"|\"987654321\"|Typo at the kiosk")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func escapeSequencesPutIntoTheDatabaseAreShownInert() throws {
        // Given an application whose answers were changed with sqlite3 to hold escape sequences:
        // clear the screen, set the window title, move the cursor home, and a C1 CSI
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        _ = try fixture.sqlite(
            """
            UPDATE application SET answers = json_set(answers,
                '$.surname', 'Shev' || char(27) || '[2J' || char(27) || ']0;pwned' || char(7) || 'chenko',
                '$.given_name', char(27) || '[1;1H' || char(155) || '31mTaras')
            """)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        let terminal = try fixture.reviewTerminal()

        // When staff list, search and show it
        let printed = try ["list", "search shev", "show \(reference)"].map { try fixture.command(terminal, $0) }
            .joined()

        // Then not one escape or C1 control reached the terminal; the sequences show as text
        #expect(!printed.contains("\u{1B}") && !printed.contains("\u{9B}") && !printed.contains("\u{07}"))
        #expect(printed.contains("Shev\\u{1B}[2J\\u{1B}]0;pwned\\u{7}chenko"))
        #expect(printed.contains("\\u{1B}[1;1H\\u{9B}31mTaras"))
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func anIdleSessionEndsAndClearsTheScreen() throws {
        // Given a session with the production idle timeout (5 minutes) on a clock the test moves
        // (a file of Unix seconds): logging in and showing an application take no time on it,
        // however loaded the machine is
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        let clock = fixture.dataDir.appendingPathComponent("clock")
        let start = Int(Date().timeIntervalSince1970)
        try "\(start)".write(to: clock, atomically: true, encoding: .utf8)
        let terminal = try fixture.reviewTerminal(options: ["--clock-file", clock.path])
        try fixture.command(terminal, "show \(reference)")

        // When nobody types and five minutes and a second pass
        try "\(start + 301)".write(to: clock, atomically: true, encoding: .utf8)

        // Then the session ends by itself, the screen is cleared, and the login prompt returns
        let ended = try terminal.expect("Staff ID: ", timeout: .seconds(20))
        #expect(ended.contains("\u{1B}[H\u{1B}[2J\u{1B}[3J"))
        #expect(ended.contains("The session ended after 5 minutes without input."))
        #expect(try fixture.sqlite("SELECT detail FROM audit_log WHERE action = 'logout'") == "idle")
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func aDisabledAccountsSessionEndsAtItsNextCommand() throws {
        let fixture = try KioskFixture()
        try fixture.addStaff("petro", name: "Petro Bondar", role: "reviewer", password: KioskFixture.reviewerPassword)
        let terminal = try fixture.reviewTerminal("petro", password: KioskFixture.reviewerPassword)
        #expect(try fixture.run(["staff", "disable", "petro"]).status == 0)
        let reply = try fixture.command(terminal, "list", until: "Staff ID: ")
        #expect(reply.contains("This account was disabled; the session ended."))
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }
}
