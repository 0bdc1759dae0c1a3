import Foundation
import KioskTestSupport
import Testing

/// `kiosk attend` runs the form in `kiosk-attend`, a program without the upload's network stack
/// and the outbox's sealing; the operator's command stays `kiosk attend`.
@Suite("kiosk attend runs in kiosk-attend")
struct AttendExecutableTests {
    static let attend = Products.executable(named: "kiosk-attend")

    /// The program a process runs now, as the kernel says (`/proc/PID/exe`).
    static func executable(of pid: pid_t) throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }

    @Test(arguments: [["attend"], [], ["--lang", "en"]])
    func theFormRunsInKioskAttend(subcommand: [String]) throws {
        // Given the kiosk on a terminal, started as an operator starts it
        let fixture = try KioskFixture()
        let terminal = try fixture.terminal(subcommand + ["--once"])
        defer { terminal.kill(signal: SIGKILL) }

        // When its first screen is up
        try terminal.expect("> ")

        // Then the process is kiosk-attend (exec'd in place: the same pid, the same terminal)
        #expect(try Self.executable(of: terminal.processIdentifier) == Self.attend.resolvingSymlinksInPath().path)
        terminal.sendEOF()
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func everyOtherCommandAndHelpStayInKiosk() throws {
        let fixture = try KioskFixture()
        let help = try fixture.run(["attend", "--help"])
        #expect(help.status == 0)
        // The help is kiosk's, under its own name.
        #expect(help.output.contains("USAGE: kiosk attend"))
        let status = try fixture.run(["status"])
        #expect(status.status == 0)
    }

    @Test func aBadOptionIsRefusedAsBefore() throws {
        let fixture = try KioskFixture()
        let refused = try fixture.run(["attend", "--idle-timeout", "0"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--idle-timeout must be between 1 and 86400 seconds"))
    }

    /// The point of the second program: it links neither NIO (with AsyncHTTPClient on it) nor
    /// swift-crypto's BoringSSL. `kiosk` links both, so the check can fail. The markers are
    /// symbol names in each program's symbol table, found by `grep -a` in the file.
    @Test func kioskAttendLinksNoNetworkStackAndNoBoringSSL() throws {
        func holds(_ program: URL, _ marker: String) throws -> Bool {
            let found = try ProcessRunner.run(
                URL(fileURLWithPath: "/bin/grep"), ["-q", "-a", "-F", marker, program.path])
            #expect(found.status <= 1, "grep: \(found.stderr)")
            return found.status == 0
        }
        for marker in ["$s7NIOCore", "CCryptoBoringSSL_", "$s15AsyncHTTPClient"] {
            #expect(try holds(KioskFixture.kiosk, marker), "kiosk should link \(marker)")
            #expect(try !holds(Self.attend, marker), "kiosk-attend links \(marker)")
        }
        // And it does link what the form needs: SQLite through GRDB.
        #expect(try holds(Self.attend, "$s4GRDB"))
    }
}
