import Foundation
import Glibc
import KioskTestSupport

/// A pipe whose ends are close-on-exec, so that processes spawned by other tests running in
/// the same test binary cannot inherit the write end and hold off end of input.
final class TestPipe {
    private(set) var readEnd: Int32
    private(set) var writeEnd: Int32

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        closeReadEnd()
        closeWriteEnd()
    }

    /// Writes every byte (blocking), as one or more write(2) calls.
    func write(_ bytes: [UInt8]) {
        precondition(writeEnd >= 0, "write end already closed or handed over")
        TestPipe.writeAll(bytes, to: writeEnd)
    }

    func write(_ text: String) {
        write(Array(text.utf8))
    }

    /// Closes the write end: the reader sees end of input once the pipe is drained.
    func closeWriteEnd() {
        if writeEnd >= 0 {
            close(writeEnd)
            writeEnd = -1
        }
    }

    /// Closes the read end: writers then get EPIPE.
    func closeReadEnd() {
        if readEnd >= 0 {
            close(readEnd)
            readEnd = -1
        }
    }

    /// Hands the write end to a background thread that writes `bytes` and closes it, for
    /// inputs larger than the pipe's buffer. Wait on the returned semaphore to join it.
    func writeInBackgroundAndClose(_ bytes: [UInt8]) -> DispatchSemaphore {
        precondition(writeEnd >= 0, "write end already closed or handed over")
        let descriptor = writeEnd
        writeEnd = -1
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            TestPipe.writeAll(bytes, to: descriptor)
            close(descriptor)
            done.signal()
        }
        thread.start()
        return done
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        PseudoTerminalPair.writeAll(bytes, to: descriptor)
    }
}
