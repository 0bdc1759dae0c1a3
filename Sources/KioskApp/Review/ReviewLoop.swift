import Foundation
import KioskReview
import KioskTerminal

/// Drives the review console on standard input and output, as `AttendService` drives the form.
///
/// The console decides; this reads lines with the timeout it asks for, turns echo off for
/// passwords on a terminal, waits out login delays (dropping what was typed meanwhile),
/// and writes the replies.
package struct ReviewLoop {
    let console: ReviewConsole
    /// Lines for staff shown before the console starts (an expired or refused unit catalog).
    let notices: [String]
    /// At most this long between two looks at the console's clock while waiting for a line; nil
    /// waits the whole time to the deadline. Only a clock that jumps (a test's) needs it.
    let pollInterval: Duration?

    private let reader = LineReader(fileDescriptor: STDIN_FILENO, maxLineBytes: 1024)
    private let writer = TerminalWriter(fileDescriptor: STDOUT_FILENO)
    private let isTerminal = TerminalControl.isTerminal(STDIN_FILENO)

    package init(console: ReviewConsole, notices: [String] = [], pollInterval: Duration? = nil) {
        self.console = console
        self.notices = notices
        self.pollInterval = pollInterval
    }

    /// What staff must know about the unit catalog applicants are offered, or nothing when it is current.
    package static func catalogNotices(_ catalog: CatalogStatusReport) -> [String] {
        catalog.expired || catalog.problem != nil ? ["! " + TerminalText.escape(catalog.line)] : []
    }

    package func run() throws {
        let mode = try TerminalControl.enterKioskMode(STDIN_FILENO)
        defer { try? mode.restore() }
        if isTerminal {
            try TerminalControl.ignoreJobControlSignals()
        } else {
            signal(SIGPIPE, SIG_IGN)
        }
        if !notices.isEmpty {
            try writer.write(LineWrapper.wrap(notices, width: writer.size.columns).map { $0 + "\n" }.joined())
        }
        var reply = console.start()
        while true {
            // Echo goes off before the password prompt appears, so nothing typed after it shows.
            let echo = reply.hidesInput && isTerminal ? try EchoControl.off(STDIN_FILENO) : nil
            defer { echo?.restore() }
            try show(reply)
            if reply.continues {
                reply = console.proceed()
                continue
            }
            guard reply.prompt != nil else { return }
            switch read() {
            case .line(let line):
                reply = console.handle(line)
            case .rejected(let rejection):
                reply = console.refused(rejection)
            case .timeout:
                reply = console.inputTimedOut()
            case .endOfInput:
                try show(console.endOfInput())
                return
            }
        }
    }

    private func show(_ reply: ConsoleReply) throws {
        if reply.clearsScreen { try writer.clearScreen() }
        if !reply.lines.isEmpty {
            // Wrapped between words to the terminal's width now, so no answer is cut mid-word.
            try writer.write(LineWrapper.wrap(reply.lines, width: writer.size.columns).map { $0 + "\n" }.joined())
        }
        if reply.pause > .zero {
            Thread.sleep(forTimeInterval: reply.pause.seconds)
            if isTerminal {
                // What was typed during the delay must not become the next attempt.
                TerminalControl.discardPendingInput(STDIN_FILENO)
                reader.discardBuffered()
            }
        }
        if let prompt = reply.prompt { try writer.write(prompt) }
    }

    /// The next line, or `.timeout` once the console's deadline has passed by the console's clock.
    private func read() -> LineEvent {
        while true {
            guard let deadline = console.deadline else { return reader.readLine(timeout: nil) }
            var wait = Duration.seconds(max(0, deadline.timeIntervalSince(console.clock.now)))
            if let pollInterval { wait = min(wait, pollInterval) }
            let event = reader.readLine(timeout: wait)
            // Woken before the deadline (a poll): wait on, printing nothing.
            if event == .timeout, console.clock.now < deadline { continue }
            return event
        }
    }
}

extension Duration {
    /// Seconds as a floating-point number, for `Thread.sleep`.
    fileprivate var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
