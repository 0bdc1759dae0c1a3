import Foundation
import Glibc
import KioskTestSupport
import Testing

@testable import KioskTerminal

private let patience: Duration = .seconds(10)

@Suite("TerminalControl on a real pty and on pipes")
struct TerminalControlTests {
    @Test("isTerminal tells a pty from a pipe")
    func isTerminal() throws {
        let pty = try PseudoTerminalPair()
        let pipe = try TestPipe()
        #expect(TerminalControl.isTerminal(pty.slave))
        #expect(!TerminalControl.isTerminal(pipe.readEnd))
    }

    @Test("Kiosk mode clears ISIG and IEXTEN, keeps canonical mode and echo; restore() undoes it")
    func kioskModeAndRestore() throws {
        let pty = try PseudoTerminalPair()
        let before = try pty.slaveModes()
        #expect(before.c_lflag & tcflag_t(ISIG) != 0)  // a fresh pty starts with signals on

        let saved = try TerminalControl.enterKioskMode(pty.slave)
        #expect(saved.changedTerminal)
        let kiosk = try pty.slaveModes()
        #expect(kiosk.c_lflag & tcflag_t(ISIG) == 0)
        #expect(kiosk.c_lflag & tcflag_t(IEXTEN) == 0)
        #expect(kiosk.c_lflag & tcflag_t(ICANON) != 0)
        #expect(kiosk.c_lflag & tcflag_t(ECHO) != 0)
        #expect(kiosk.c_oflag & tcflag_t(OPOST | ONLCR) == tcflag_t(OPOST | ONLCR))

        try saved.restore()
        let after = try pty.slaveModes()
        #expect(after.c_lflag == before.c_lflag)
        #expect(after.c_iflag == before.c_iflag)
        #expect(after.c_oflag == before.c_oflag)
    }

    @Test("On a pipe, kiosk mode changes nothing and restore() is a no-op")
    func kioskModeOnPipe() throws {
        let pipe = try TestPipe()
        let saved = try TerminalControl.enterKioskMode(pipe.readEnd)
        #expect(!saved.changedTerminal)
        try saved.restore()
    }

    @Test("In kiosk mode Ctrl-C is a rejected byte, line editing still works, Ctrl-D is not sticky")
    func kioskModeReading() throws {
        let pty = try PseudoTerminalPair()
        let saved = try TerminalControl.enterKioskMode(pty.slave)
        defer { try? saved.restore() }
        let reader = LineReader(fileDescriptor: pty.slave)

        pty.type("hello\r")
        #expect(reader.readLine(timeout: patience) == .line("hello"))

        pty.type("stop\u{3}\r")  // with ISIG on, the driver would have sent SIGINT instead
        #expect(reader.readLine(timeout: patience) == .rejected(.controlCharacter))

        pty.type("helx\u{7F}lo\r")  // a backspace (VERASE = DEL) fixes the typo
        #expect(reader.readLine(timeout: patience) == .line("hello"))

        pty.type([0x04])  // Ctrl-D at the start of a line: read() returns 0
        #expect(reader.readLine(timeout: patience) == .endOfInput)
        pty.type("again\r")
        #expect(reader.readLine(timeout: patience) == .line("again"))
    }

    @Test("discardPendingInput drops type-ahead on a tty")
    func discardPendingInputOnTerminal() throws {
        let pty = try PseudoTerminalPair()
        let reader = LineReader(fileDescriptor: pty.slave)
        pty.type("typed ahead\r")
        #expect(pty.waitUntilSlaveReadable())
        TerminalControl.discardPendingInput(pty.slave)
        pty.type("fresh\r")
        #expect(reader.readLine(timeout: patience) == .line("fresh"))
    }

    @Test("discardPendingInput leaves pipe data alone")
    func discardPendingInputOnPipe() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("keep\n")
        TerminalControl.discardPendingInput(pipe.readEnd)
        #expect(reader.readLine(timeout: patience) == .line("keep"))
    }

    @Test("ignoreJobControlSignals sets the job-control signals and SIGPIPE to SIG_IGN")
    func ignoresSignals() throws {
        let signals = [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE]
        var saved: [Int32: sigaction] = [:]
        for number in signals {
            var old = sigaction()
            sigaction(number, nil, &old)
            saved[number] = old
        }
        defer {
            // SIGPIPE stays ignored: other tests write to pipes whose readers may be gone.
            for number in signals where number != SIGPIPE {
                var old = saved[number]!
                sigaction(number, &old, nil)
            }
        }

        try TerminalControl.ignoreJobControlSignals()

        for number in signals {
            var current = sigaction()
            sigaction(number, nil, &current)
            let handler = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self)
            #expect(handler == 1, "signal \(number) is not SIG_IGN")  // SIG_IGN is (handler)1
        }
    }

    @Test("The clear-screen sequence homes, clears the screen and clears scrollback")
    func clearScreenSequence() {
        #expect(TerminalControl.clearScreenSequence == "\u{1B}[H\u{1B}[2J\u{1B}[3J")
    }
}
