import KioskTerminal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a terminal's echo off while a password is typed, and back on.
///
/// ISIG goes off too, so Ctrl-C arrives as a byte (which `LineReader` refuses) instead of
/// killing the process and leaving the terminal without echo. ECHONL stays on, so Enter
/// still moves to the next line. On a pipe nothing changes.
package struct EchoControl {
    private let fileDescriptor: Int32
    private let original: termios?

    package static func off(_ fileDescriptor: Int32) throws -> EchoControl {
        guard TerminalControl.isTerminal(fileDescriptor) else {
            return EchoControl(fileDescriptor: fileDescriptor, original: nil)
        }
        var original = termios()
        guard tcgetattr(fileDescriptor, &original) == 0 else {
            throw TerminalError(operation: "tcgetattr", code: errno)
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO | ECHOE | ECHOK | ISIG)
        silent.c_lflag |= tcflag_t(ICANON | ECHONL)
        // TCSANOW, not TCSAFLUSH: a password typed the moment the prompt appeared must not be lost.
        guard tcsetattr(fileDescriptor, TCSANOW, &silent) == 0 else {
            throw TerminalError(operation: "tcsetattr", code: errno)
        }
        return EchoControl(fileDescriptor: fileDescriptor, original: original)
    }

    /// Puts the modes from before `off` back.
    package func restore() {
        guard var original else { return }
        _ = tcsetattr(fileDescriptor, TCSANOW, &original)
    }
}
