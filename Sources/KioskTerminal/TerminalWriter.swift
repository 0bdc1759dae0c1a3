#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole strings to a descriptor, so that partial writes and interrupted calls never
/// cut a prompt short and a vanished terminal ends the session with an error, not a crash.
///
/// It writes exactly what it is given: text that came from a citizen or from storage must go
/// through `TerminalText.escape(_:)` first. A write to a closed pipe raises SIGPIPE unless it
/// is ignored (see `TerminalControl.ignoreJobControlSignals()`); once it is, the write throws
/// EPIPE. A tty stopped with Ctrl-S (XOFF) blocks writes until Ctrl-Q, as on any terminal.
public struct TerminalWriter: Sendable {
    /// The descriptor written to; the writer never closes it.
    public let fileDescriptor: Int32
    /// Whether the descriptor was a terminal when the writer was created.
    public let isTerminal: Bool

    /// Creates a writer and notes once whether `fileDescriptor` is a terminal.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.isTerminal = TerminalControl.isTerminal(fileDescriptor)
    }

    /// The terminal's size now (it may change between screens); 80 columns on a pipe.
    public var size: TerminalSize {
        isTerminal ? TerminalSize.of(fileDescriptor) : .fallback
    }

    /// Writes all of `text` as UTF-8.
    /// - Throws: `TerminalError` (EPIPE, EIO, ...) when the output is gone.
    public func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { buffer in
            try writeAll(buffer)
        }
    }

    /// Writes `text` and a "\n"; on a tty the driver's ONLCR turns it into CR LF.
    /// - Throws: `TerminalError` when the output is gone.
    public func writeLine(_ text: String) throws {
        try write(text + "\n")
    }

    /// Clears the screen and its scrollback on a terminal; on a pipe it writes nothing, so
    /// that logs and test transcripts stay free of escape sequences.
    /// - Throws: `TerminalError` when the output is gone.
    public func clearScreen() throws {
        guard isTerminal else { return }
        try write(TerminalControl.clearScreenSequence)
    }

    /// Loops until every byte is written, retrying after EINTR and waiting with poll() when
    /// a non-blocking descriptor is full.
    private func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = systemWrite(fileDescriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            if written < 0 && errno == EINTR {
                continue
            }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&descriptor, 1, -1) < 0 && errno != EINTR {
                    throw TerminalError.fromErrno("poll")
                }
                continue
            }
            if written == 0 {
                throw TerminalError(operation: "write", code: EIO)
            }
            throw TerminalError.fromErrno("write")
        }
    }
}

/// The C library's write(2); the name `write` is taken by the writer's own method.
private func systemWrite(_ fileDescriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fileDescriptor, bytes, count)
    #else
    Darwin.write(fileDescriptor, bytes, count)
    #endif
}
