import Foundation
import Testing

/// The real `kiosk attend` when it must not take applications: too little free disk or a
/// damaged database. It says so in every language, logs why, and on a terminal waits for
/// the problem to go away instead of exiting.
@Suite("kiosk attend out of service")
struct OutOfServiceTests {
    /// More free space than any test machine has: 100 TB.
    static let absurdThreshold = ["KIOSK_MIN_FREE_DISK_MB": "100000000"]

    @Test func belowTheFreeDiskThresholdTheFormIsNotShownAndNothingIsStored() throws {
        // Given a threshold above the free space, and a whole application on standard input
        let fixture = try KioskFixture()
        let input = AttendPipeTests.script.joined(separator: "\n") + "\n"

        // When the real kiosk reads it through a pipe
        let run = try fixture.run(["attend"], input: input, environment: Self.absurdThreshold)

        // Then it shows "out of service" in every language, never the form, stores nothing,
        // logs why, and at end of input exits non-zero with the reason
        for language in ["uk", "en", "lt"] {
            #expect(run.output.contains(try KioskFixture.outOfService(language)))
        }
        #expect(!run.output.contains("Choose a language"))
        #expect(KioskFixture.reference(in: run.output) == nil)
        #expect(!FileManager.default.fileExists(atPath: fixture.databasePath))
        #expect(run.status == 1)
        #expect(run.error.contains("error kiosk.attend"))
        #expect(run.error.contains("out of service: free disk on the data folder is"))
        #expect(run.error.contains("below min_free_disk_mb (100000000 MB)"))
    }

    @Test func theThresholdFromTheConfigFileCountsToo() throws {
        let fixture = try KioskFixture()
        _ = try fixture.run(["status"])
        try fixture.writeConfig(KioskFixture.config(#""min_free_disk_mb": 100000000"#))

        let run = try fixture.run(["attend"], input: "2\n")

        #expect(run.status == 1)
        #expect(run.output.contains(try KioskFixture.outOfService("en")))
    }

    @Test func aThresholdBelowTheFreeSpaceTakesApplications() throws {
        let fixture = try KioskFixture()
        let input = AttendPipeTests.script.joined(separator: "\n") + "\n"

        let run = try fixture.run(["attend"], input: input, environment: ["KIOSK_MIN_FREE_DISK_MB": "1"])

        #expect(run.status == 0)
        #expect(KioskFixture.reference(in: run.output) != nil)
        #expect(!run.output.contains(try KioskFixture.outOfService("en")))
    }

    @Test func theReasonIsLoggedWithAJournalPriorityUnderSystemd() throws {
        // Given the journal's log format, as under systemd
        let fixture = try KioskFixture()
        let environment = Self.absurdThreshold.merging(["KIOSK_LOG_FORMAT": "journal"]) { $1 }

        // When the kiosk is out of service
        let run = try fixture.run(["attend"], input: "1\n", environment: environment)

        // Then the log line carries priority 3 (error) for journald, and no timestamp
        let line = try #require(run.error.split(separator: "\n").first { $0.contains("out of service:") })
        #expect(line.hasPrefix("<3>kiosk.attend: out of service: free disk on the data folder is"))
    }

    @Test func onATerminalItWaitsAndComesBackWhenTheDatabaseIsRepaired() throws {
        // Given a damaged database
        let fixture = try KioskFixture()
        _ = try fixture.run(["status"])
        try Data(repeating: 0x5A, count: 16_384).write(to: URL(fileURLWithPath: fixture.databasePath))

        // When the kiosk starts on a terminal, checking every second
        let terminal = try fixture.terminal(["attend", "--health-interval", "1"])

        // Then it shows "out of service" and keeps running; typed lines are discarded
        try terminal.expect(try KioskFixture.outOfService("en"))
        terminal.sendLine("1")
        try terminal.expect(try KioskFixture.outOfService("lt"))

        // And once the damaged file is moved aside, the welcome screen comes back by itself
        try FileManager.default.moveItem(atPath: fixture.databasePath, toPath: fixture.databasePath + ".damaged")
        try terminal.expect("Choose a language", timeout: .seconds(15))
        terminal.sendLine("2")
        try terminal.expect(try KioskFixture.label("surname", .en))
        terminal.kill(signal: SIGTERM)
        _ = try terminal.waitForExit()
    }

    @Test func healthChecksAtTheWelcomeScreenLeaveTheScreenAlone() throws {
        // Given a kiosk at its welcome screen, checking its health every second
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--health-interval", "1"])
        try terminal.expect("Choose a language")

        // When three checks pass with nobody there, and then someone types a wrong choice
        Thread.sleep(forTimeInterval: 3.5)
        terminal.sendLine("9")
        let shown = try terminal.expect("Please type one of the numbers shown")

        // Then the prompt was written once, not once per check
        #expect(shown.components(separatedBy: "> ").count == 2, "\(shown)")
        terminal.kill(signal: SIGTERM)
        _ = try terminal.waitForExit()
    }

    @Test func theWelcomeScreenNoticesAProblemWhileNobodyIsThere() throws {
        // Given a kiosk on a terminal at its welcome screen
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(["attend", "--health-interval", "1"])
        try terminal.expect("Choose a language")

        // When its data folder disappears (a disk unmounted), and later comes back
        let moved = fixture.dataDir.appendingPathExtension("away")
        try FileManager.default.moveItem(at: fixture.dataDir, to: moved)
        defer { try? FileManager.default.removeItem(at: moved) }

        // Then it goes out of service by itself, and back in service when the folder returns
        try terminal.expect(try KioskFixture.outOfService("en"))
        try FileManager.default.moveItem(at: moved, to: fixture.dataDir)
        try terminal.expect("Choose a language")
        terminal.kill(signal: SIGTERM)
        _ = try terminal.waitForExit()
    }
}
