import Foundation
import Glibc
import KioskTestSupport
import Testing

/// Tests of the end-to-end harness itself (`PseudoTerminal`, and `PipeProcess` in a nested
/// suite), against system tools, so a failing kiosk test is never the harness's fault.
@Suite("PseudoTerminal harness")
struct PseudoTerminalTests {
    static let shell = URL(fileURLWithPath: "/bin/sh")
    static let environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]

    private func shell(_ script: String, columns: Int = 80, rows: Int = 24) throws -> PseudoTerminal {
        try PseudoTerminal(
            executable: Self.shell, arguments: ["-c", script], environment: Self.environment,
            columns: columns, rows: rows)
    }

    @Test("The child sees a tty of the requested size and reads typed lines")
    func childSeesTerminal() throws {
        let terminal = try shell("tty; stty size; read x; echo got:$x", columns: 100, rows: 30)
        try terminal.expect("/dev/pts/")
        try terminal.expect("30 100")
        terminal.sendLine("hello there")
        try terminal.expect("got:hello there")
        #expect(try terminal.waitForExit() == 0)
        #expect(!terminal.isRunning)
    }

    @Test("Ctrl-C ends the child with SIGINT: the pty is its controlling terminal")
    func controlCInterrupts() throws {
        // cat, not a shell: `sh -c` catches SIGINT for a moment while it starts a command,
        // which would make this test racy.
        let terminal = try PseudoTerminal(
            executable: URL(fileURLWithPath: "/bin/cat"), arguments: [], environment: Self.environment)
        terminal.sendLine("ping")
        try terminal.expect("ping\r\nping\r\n")  // echo, then cat's copy: cat is reading
        terminal.sendBytes([0x03])
        #expect(try terminal.waitForExit(timeout: .seconds(10)) == 128 + SIGINT)
    }

    @Test("Echo and output arrive in order; sendEOF ends input at the start of a line")
    func echoOutputAndEOF() throws {
        let terminal = try shell("cat; echo done:$?")
        terminal.sendLine("one")
        #expect(try terminal.expect("one\r\n") == "one\r\n")  // the driver's echo
        #expect(try terminal.expect("one\r\n") == "one\r\n")  // cat's copy
        terminal.sendEOF()
        try terminal.expect("done:0")
        #expect(try terminal.waitForExit() == 0)
        #expect(terminal.output.hasSuffix("done:0\r\n"))
    }

    @Test("expect returns the text since the last match, through the needle")
    func expectMovesPosition() throws {
        let terminal = try shell("echo alpha beta gamma")
        #expect(try terminal.expect("alpha") == "alpha")
        #expect(try terminal.expect("gamma") == " beta gamma")
        #expect(throws: HarnessError.self) {
            try terminal.expect("alpha", timeout: .seconds(5))  // already consumed
        }
    }

    @Test("A timed-out expect throws, showing the end of the output")
    func expectTimesOut() throws {
        let terminal = try shell("echo visible-marker; sleep 30")
        try terminal.expect("visible-marker")
        let error = #expect(throws: HarnessError.self) {
            try terminal.expect("never printed", timeout: .milliseconds(300))
        }
        guard case .timedOut = error else {
            Issue.record("expected .timedOut, got \(String(describing: error))")
            return
        }
        #expect(String(describing: error!).contains("visible-marker"))
    }

    @Test("expect fails at once, with the output, when the child exits first")
    func expectFailsWhenChildExits() throws {
        let terminal = try shell("echo goodbye; exit 7")
        // Waiting out the timeout would throw .timedOut, not .exitedEarly: no clock is needed.
        let error = #expect(throws: HarnessError.self) {
            try terminal.expect("never printed", timeout: .seconds(30))
        }
        guard case .exitedEarly(_, let status, _) = error else {
            Issue.record("expected .exitedEarly, got \(String(describing: error))")
            return
        }
        #expect(status == 7)
        #expect(String(describing: error!).contains("goodbye"))
    }

    @Test("Exit statuses: a plain exit code, and 128 + signal after kill(signal:)")
    func exitStatuses() throws {
        let exiting = try shell("exit 3")
        #expect(try exiting.waitForExit() == 3)

        let sleeping = try PseudoTerminal(
            executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"], environment: Self.environment)
        #expect(sleeping.isRunning)
        sleeping.kill(signal: SIGTERM)
        #expect(try sleeping.waitForExit() == 128 + SIGTERM)
        #expect(!sleeping.isRunning)
    }

    @Test("waitForExit throws while the child keeps running")
    func waitForExitTimesOut() throws {
        let terminal = try shell("echo still-here; sleep 30")
        #expect(throws: HarnessError.self) {
            try terminal.waitForExit(timeout: .milliseconds(300))
        }
        #expect(terminal.isRunning)
        #expect(terminal.output.contains("still-here"))
    }

    @Test("Dropping the harness kills and reaps a running child")
    func deinitKillsChild() throws {
        var terminal: PseudoTerminal? = try shell("sleep 30")
        let pid = try #require(terminal?.processIdentifier)
        #expect(Glibc.kill(pid, 0) == 0)
        terminal = nil
        #expect(Glibc.kill(pid, 0) == -1 && errno == ESRCH)  // gone and reaped, not a zombie
    }

    @Test("The child gets exactly the given environment")
    func environmentIsPassed() throws {
        let terminal = try PseudoTerminal(
            executable: Self.shell, arguments: ["-c", "echo v=$KIOSK_PROBE home=${HOME:-unset}"],
            environment: ["KIOSK_PROBE": "42", "PATH": "/usr/bin:/bin"])
        try terminal.expect("v=42 home=unset")
    }
}
