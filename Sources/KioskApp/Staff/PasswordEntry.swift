import Foundation
import KioskReview
import KioskTerminal

/// Reads a new password for `kiosk staff add` and `kiosk staff passwd`: twice on the
/// terminal with echo off, or one line from standard input with `--password-stdin`.
package enum PasswordEntry {
    package static func newPassword(fromStandardInput: Bool) throws -> String {
        let reader = LineReader(fileDescriptor: STDIN_FILENO, maxLineBytes: 1024)
        if fromStandardInput {
            return try line(from: reader, what: "the password on standard input")
        }
        guard TerminalControl.isTerminal(STDIN_FILENO) else {
            throw StaffError("standard input is not a terminal: pass the password with --password-stdin")
        }
        let first = try hidden(
            reader,
            prompt: "New password (at least \(PasswordRules.minimumLength) characters; it is not shown as you type): ")
        let second = try hidden(reader, prompt: "The same password again: ")
        guard first == second else { throw StaffError("the two passwords differ; nothing was changed") }
        return first
    }

    /// Echo goes off before the prompt appears, so nothing typed after it is ever shown.
    private static func hidden(_ reader: LineReader, prompt: String) throws -> String {
        let echo = try EchoControl.off(STDIN_FILENO)
        defer { echo.restore() }
        try TerminalWriter(fileDescriptor: STDERR_FILENO).write(prompt)
        return try line(from: reader, what: "the password")
    }

    private static func line(from reader: LineReader, what: String) throws -> String {
        switch reader.readLine(timeout: nil) {
        case .line(let line): return line
        case .rejected(.tooLong): throw StaffError("\(what) is too long")
        case .rejected: throw StaffError("\(what) holds control keys or unreadable characters; nothing was changed")
        case .timeout, .endOfInput: throw StaffError("no password was given; nothing was changed")
        }
    }
}
