import Foundation
import Testing

/// `kiosk staff`: accounts from the command line, through pipes and a pseudo-terminal.
@Suite("kiosk staff")
struct StaffCommandTests {
    @Test func addListDisableEnableAndChangeAPassword() throws {
        // Given a new data folder
        let fixture = try KioskFixture()

        // When a supervisor is added with the password on standard input
        let added = try fixture.run(
            ["staff", "add", "olena", "--name", "Olena Ivanenko", "--role", "supervisor", "--password-stdin"],
            input: "a long passphrase\n")

        // Then the account is stored with an scrypt hash that records N=2^17, r=8, p=1
        #expect(added.status == 0)
        #expect(added.output.contains("Added supervisor olena (Olena Ivanenko)"))
        let hash = try fixture.sqlite("SELECT password_hash FROM staff WHERE id = 'olena'")
        #expect(hash.hasPrefix("scrypt$ln=17$r=8$p=1$") && !hash.contains("passphrase"))
        #expect(try fixture.sqlite("SELECT role FROM staff") == "supervisor")

        // And list shows it, disable and enable change it, and each change is audited under the OS user
        #expect(
            try fixture.run(["staff", "list"]).output.contains(
                "olena             Olena Ivanenko            supervisor  active"))
        #expect(try fixture.run(["staff", "disable", "olena"]).status == 0)
        #expect(try fixture.run(["staff", "list"]).output.contains("disabled"))
        #expect(try fixture.run(["staff", "enable", "olena"]).status == 0)
        let changed = try fixture.run(["staff", "passwd", "olena", "--password-stdin"], input: "another passphrase\n")
        #expect(changed.status == 0 && changed.output.contains("The password of olena was changed."))
        #expect(try fixture.sqlite("SELECT password_hash FROM staff") != hash)
        #expect(
            try fixture.sqlite("SELECT action FROM audit_log ORDER BY id")
                == "staff-add\nstaff-disable\nstaff-enable\nstaff-password")
        #expect(try fixture.sqlite("SELECT DISTINCT staff_id FROM audit_log").hasPrefix("os:"))
    }

    @Test func weakPasswordsBadIDsAndDuplicatesAreRefused() throws {
        let fixture = try KioskFixture()
        let short = try fixture.run(["staff", "add", "anna", "--name", "Anna", "--password-stdin"], input: "short\n")
        #expect(short.status != 0 && short.error.contains("the password is too short: at least 10 characters"))

        let badID = try fixture.run(
            ["staff", "add", "Anna Smith", "--name", "Anna", "--password-stdin"], input: "long enough pass\n")
        #expect(badID.status != 0 && badID.error.contains("a staff ID is 2-32 lower-case letters"))

        #expect(
            try fixture.run(
                ["staff", "add", "anna", "--name", "Anna", "--password-stdin"], input: "long enough pass\n"
            ).status == 0)
        let duplicate = try fixture.run(
            ["staff", "add", "anna", "--name", "Anna", "--password-stdin"], input: "long enough pass\n")
        #expect(duplicate.status != 0 && duplicate.error.contains("there is already an account anna"))

        let piped = try fixture.run(["staff", "add", "boris", "--name", "Boris"], input: "long enough pass\n")
        #expect(piped.status != 0 && piped.error.contains("--password-stdin"))
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM staff") == "1")
    }

    @Test func onATerminalThePasswordIsAskedTwiceWithoutEcho() throws {
        // Given staff add on a terminal
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["staff", "add", "anna", "--name", "Anna Kovalenko"])

        // When the password is typed twice
        try terminal.expect("New password")
        terminal.sendLine("typed but unseen")
        try terminal.expect("The same password again: ")
        terminal.sendLine("typed but unseen")

        // Then it is stored and was never shown
        try terminal.expect("Added reviewer anna", timeout: .seconds(20))
        #expect(try terminal.waitForExit() == 0)
        #expect(!terminal.output.contains("typed but unseen"))

        // And two different passwords are refused
        let mismatch = try fixture.terminal(["staff", "add", "boris", "--name", "Boris"])
        try mismatch.expect("New password")
        mismatch.sendLine("first password")
        try mismatch.expect("again: ")
        mismatch.sendLine("second password")
        try mismatch.expect("the two passwords differ")
        #expect(try mismatch.waitForExit() != 0)
        #expect(try fixture.sqlite("SELECT id FROM staff") == "anna")
    }
}
