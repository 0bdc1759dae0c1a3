#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal modes, signals and screen clearing for the kiosk, which must stay line-based,
/// must not be stopped by a key press, and must not leave one citizen's data on screen for
/// the next.
public enum TerminalControl {
    /// Home the cursor, clear the screen, then clear the scrollback (`ESC [ 3 J`), so that
    /// the previous citizen's answers cannot be scrolled back into view.
    public static let clearScreenSequence = "\u{1B}[H\u{1B}[2J\u{1B}[3J"

    /// Whether `fileDescriptor` is a terminal (console, serial line or pty) rather than a
    /// pipe or file, which decides whether modes and screen control apply.
    public static func isTerminal(_ fileDescriptor: Int32) -> Bool {
        isatty(fileDescriptor) == 1
    }

    /// Puts a tty in the kiosk's mode and returns what is needed to undo it.
    ///
    /// Canonical mode and echo stay on (they are forced on) so the driver's line editing
    /// and backspace keep working. ISIG is cleared, so Ctrl-C, Ctrl-\ and Ctrl-Z arrive as
    /// plain bytes (which `LineReader` then rejects) instead of killing or stopping the
    /// kiosk; IEXTEN is cleared, so Ctrl-V and Ctrl-O lose their special meaning; IXON is
    /// cleared, so Ctrl-S cannot freeze the screen. OPOST and
    /// ONLCR are set so that "\n" in output moves to the start of the next line.
    /// On anything but a tty nothing changes and the returned value's `restore()` does nothing.
    /// - Throws: `TerminalError` when the modes cannot be read or set.
    public static func enterKioskMode(_ fileDescriptor: Int32) throws -> SavedMode {
        guard isTerminal(fileDescriptor) else {
            return SavedMode(fileDescriptor: fileDescriptor, original: nil)
        }
        var original = termios()
        guard tcgetattr(fileDescriptor, &original) == 0 else {
            throw TerminalError.fromErrno("tcgetattr")
        }
        var kiosk = original
        kiosk.c_lflag |= tcflag_t(ICANON | ECHO)
        kiosk.c_lflag &= ~tcflag_t(ISIG | IEXTEN)
        // Ctrl-S must not freeze the screen for the next person (no XON/XOFF flow control).
        kiosk.c_iflag &= ~tcflag_t(IXON)
        kiosk.c_oflag |= tcflag_t(OPOST | ONLCR)
        try setAttributes(kiosk, on: fileDescriptor, when: TCSANOW)

        // tcsetattr succeeds when any change applied; check that the important one did.
        var applied = termios()
        guard tcgetattr(fileDescriptor, &applied) == 0 else {
            throw TerminalError.fromErrno("tcgetattr")
        }
        guard applied.c_lflag & tcflag_t(ISIG) == 0 else {
            try? setAttributes(original, on: fileDescriptor, when: TCSANOW)
            throw TerminalError(operation: "tcsetattr (clear ISIG)", code: EINVAL)
        }
        return SavedMode(fileDescriptor: fileDescriptor, original: original)
    }

    /// Ignores SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU and SIGPIPE for the whole process.
    ///
    /// Belt and braces next to clearing ISIG: whatever reaches the kiosk from the terminal,
    /// these never end or stop it; a closed output then shows up as EPIPE from
    /// `TerminalWriter` instead of killing the process. Ignored dispositions are inherited by
    /// child processes.
    /// - Throws: `TerminalError` if a disposition cannot be changed.
    public static func ignoreJobControlSignals() throws {
        for signalNumber in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE] {
            let previous = signal(signalNumber, SIG_IGN)
            if unsafeBitCast(previous, to: Int.self) == -1 {  // SIG_ERR
                throw TerminalError.fromErrno("signal(\(signalNumber))")
            }
        }
    }

    /// Drops input the tty driver holds but nobody has read yet (TCIFLUSH), so keys typed
    /// ahead during a screen change or after a session ends are not taken as answers.
    ///
    /// On a pipe or file it does nothing: bytes there are data, not type-ahead. A failure
    /// (a hung-up line) is ignored here; the next read reports it. Bytes that a `LineReader`
    /// already buffered need `LineReader.discardBuffered()` as well.
    public static func discardPendingInput(_ fileDescriptor: Int32) {
        guard isTerminal(fileDescriptor) else { return }
        _ = tcflush(fileDescriptor, TCIFLUSH)
    }

    /// Applies `modes`, retrying when a signal interrupts the call.
    fileprivate static func setAttributes(_ modes: termios, on fileDescriptor: Int32, when action: Int32) throws {
        var modes = modes
        while tcsetattr(fileDescriptor, action, &modes) != 0 {
            if errno != EINTR {
                throw TerminalError.fromErrno("tcsetattr")
            }
        }
    }
}

extension TerminalControl {
    /// The terminal modes from before `enterKioskMode`, so that an operator's shell is not
    /// left without Ctrl-C when the kiosk exits.
    public struct SavedMode: Sendable {
        /// The descriptor whose modes were changed.
        public let fileDescriptor: Int32
        /// The modes to restore; nil when the descriptor was not a tty.
        let original: termios?

        /// Whether modes were changed (and will be restored) at all.
        public var changedTerminal: Bool {
            original != nil
        }

        /// Puts the original modes back once pending output is written (TCSADRAIN).
        /// - Throws: `TerminalError` if the tty refuses (for instance after a hangup).
        public func restore() throws {
            guard let original else { return }
            try TerminalControl.setAttributes(original, on: fileDescriptor, when: TCSADRAIN)
        }
    }
}
