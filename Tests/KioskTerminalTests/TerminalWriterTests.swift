import Foundation
import Glibc
import KioskTestSupport
import Testing

@testable import KioskTerminal

@Suite("TerminalWriter")
struct TerminalWriterTests {
    @Test("write and writeLine put exact bytes on a pipe; clearScreen writes nothing there")
    func writesToPipe() throws {
        let pipe = try TestPipe()
        let writer = TerminalWriter(fileDescriptor: pipe.writeEnd)
        #expect(!writer.isTerminal)
        try writer.write("Vardas: ")
        try writer.clearScreen()
        try writer.writeLine("Jonas ✓")
        pipe.closeWriteEnd()
        #expect(readAll(pipe.readEnd) == Array("Vardas: Jonas ✓\n".utf8))
    }

    @Test("A megabyte through a non-blocking pipe arrives whole (partial writes, EAGAIN)")
    func largeWriteToNonBlockingPipe() throws {
        let pipe = try TestPipe()
        _ = fcntl(pipe.writeEnd, F_SETFL, fcntl(pipe.writeEnd, F_GETFL) | O_NONBLOCK)
        let text = String(repeating: "Ąžuolas 0123456789\n", count: 60_000)
        let readEnd = pipe.readEnd
        let received = ReceivedBytes()
        let reader = Thread {
            received.set(readAll(readEnd))
        }
        reader.start()

        try TerminalWriter(fileDescriptor: pipe.writeEnd).write(text)
        pipe.closeWriteEnd()
        #expect(received.wait(timeout: .seconds(20)) == Array(text.utf8))
    }

    @Test("Writing to a pipe nobody reads throws EPIPE instead of crashing")
    func brokenPipeThrows() throws {
        _ = signal(SIGPIPE, SIG_IGN)  // what TerminalControl.ignoreJobControlSignals does
        let pipe = try TestPipe()
        pipe.closeReadEnd()
        let writer = TerminalWriter(fileDescriptor: pipe.writeEnd)
        #expect(throws: TerminalError(operation: "write", code: EPIPE)) {
            try writer.writeLine("anyone?")
        }
    }

    @Test("On a tty, clearScreen sends the sequence and newline becomes CR LF")
    func writesToTerminal() throws {
        let pty = try PseudoTerminalPair()
        let saved = try TerminalControl.enterKioskMode(pty.slave)
        defer { try? saved.restore() }
        let writer = TerminalWriter(fileDescriptor: pty.slave)
        #expect(writer.isTerminal)
        try writer.clearScreen()
        try writer.writeLine("Sveiki")
        let expected = Array((TerminalControl.clearScreenSequence + "Sveiki\r\n").utf8)
        let output = pty.readMaster { $0.count >= expected.count }
        #expect(output == expected)
    }
}

/// Reads a descriptor to end of input.
private func readAll(_ descriptor: Int32) -> [UInt8] {
    var collected: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            collected.append(contentsOf: buffer[0..<count])
        } else if count < 0 && errno == EINTR {
            continue
        } else {
            return collected
        }
    }
}

/// Hands bytes from a reader thread back to the test.
private final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var bytes: [UInt8]?  // guarded by lock

    func set(_ value: [UInt8]) {
        lock.withLock { bytes = value }
        done.signal()
    }

    func wait(timeout: Duration) -> [UInt8]? {
        let seconds = Double(timeout.components.seconds)
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { bytes }
    }
}
