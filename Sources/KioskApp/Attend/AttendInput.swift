import KioskTerminal

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the attend service reads the applicant's lines: a terminal, a pipe, or a script in tests.
package protocol AttendInput: AnyObject {
    /// The longest line accepted, named in the "too long" message.
    var maxLineBytes: Int { get }
    /// A terminal has a person in front of it: end of input there is a hang-up to wait out,
    /// not the end of the work, and typeahead is dropped between applicants.
    var isTerminal: Bool { get }
    /// The next line, or `.timeout` when none completed within `timeout`.
    func readLine(timeout: Duration) -> LineEvent
    /// Drops what was typed but not yet read, so it cannot answer the next person's questions.
    func discardTypeahead()
}

/// Lines from a file descriptor (standard input) through `LineReader`.
package final class TerminalInput: AttendInput {
    private let reader: LineReader
    private let fileDescriptor: Int32
    package let isTerminal: Bool

    package init(fileDescriptor: Int32, maxLineBytes: Int = 512) {
        self.fileDescriptor = fileDescriptor
        reader = LineReader(fileDescriptor: fileDescriptor, maxLineBytes: maxLineBytes)
        isTerminal = TerminalControl.isTerminal(fileDescriptor)
    }

    package var maxLineBytes: Int { reader.maxLineBytes }

    package func readLine(timeout: Duration) -> LineEvent {
        reader.readLine(timeout: timeout)
    }

    package func discardTypeahead() {
        guard isTerminal else { return }
        TerminalControl.discardPendingInput(fileDescriptor)
        reader.discardBuffered()
    }
}
