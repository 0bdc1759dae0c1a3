import Foundation
import Testing

/// The kiosk form and the review console writing the same database at the same time.
@Suite("kiosk attend and kiosk review together")
struct ReviewConcurrencyTests {
    @Test func theFormAndTheConsoleWriteAtOnceWithoutALockError() throws {
        // Given an application to decide on, and a supervisor
        let fixture = try KioskFixture()
        let first = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)

        // When, with the console logged in, the kiosk stores 400 applications through a pipe
        // while the console writes 600 decisions and notes and reads lists and statistics
        // (each side alone takes a few seconds, so they overlap the whole time)
        let console = try fixture.pipe(["review", "--login-delay-ms", "0"])
        console.write("olena\n\(KioskFixture.supervisorPassword)\n")
        try console.expect("review> ", timeout: .seconds(20))
        let applications = 400  // under 64 KiB of input, so writing it never waits on the pipe
        let form = try fixture.pipe(["attend"])
        form.write(String(repeating: AttendPipeTests.script.joined(separator: "\n") + "\n", count: applications))
        form.closeInput()
        var commands: [String] = []
        for round in 0..<150 {
            commands += [
                "note \(first) round \(round)", "issue \(first) check \(round)", "approve \(first)", "note \(first) x",
                "list all", "stats",
            ]
        }
        console.write((commands + ["logout"]).joined(separator: "\n") + "\n")
        console.closeInput()

        // Then both finish (their output read as it comes, so neither waits on a full pipe),
        // every write went through, and nobody saw a database error
        let deadline = ContinuousClock.now + .seconds(120)
        while (form.isRunning || console.isRunning) && ContinuousClock.now < deadline {
            _ = try? form.waitForExit(timeout: .milliseconds(20))
            _ = try? console.waitForExit(timeout: .milliseconds(20))
        }
        #expect(try form.waitForExit() == 0)
        #expect(try console.waitForExit() == 0)
        #expect(!form.output.contains("could not be stored"))
        #expect(!console.output.contains("! "), "\(console.output.suffix(2000))")
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM application") == "\(applications + 1)")
        #expect(try fixture.sqlite("SELECT COUNT(*) FROM review_event") == "600")
        #expect(try fixture.run(["audit", "verify"]).status == 0)
    }
}
