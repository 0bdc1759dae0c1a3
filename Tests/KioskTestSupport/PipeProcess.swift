import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an executable with plain pipes for stdin, stdout and stderr, so end-to-end tests
/// cover the kiosk when it is not on a terminal (no echo, no screen control, raw bytes).
///
/// Not thread-safe: one test drives it. Creating one ignores SIGPIPE in the test process,
/// so writing to a child that already exited fails quietly instead of killing the tests.
/// Unlike `PseudoTerminal`, the child inherits the test process's ignored signals (Foundation
/// cannot reset them), SIGPIPE included; no signal is blocked in it.
package final class PipeProcess {
    /// Which of the child's outputs to search.
    package enum Stream {
        case standardOutput
        case standardError
    }

    private let process = Process()
    private let input = Pipe()
    private let outputPipe = Pipe()
    private let errorPipe = Pipe()
    private let outputCollector: OutputCollector
    private let errorCollector: OutputCollector
    private var inputClosed = false

    /// Starts `executable` with `arguments`.
    /// - Parameter environment: the child's whole environment (nothing is inherited).
    package init(executable: URL, arguments: [String], environment: [String: String]) throws {
        _ = signal(SIGPIPE, SIG_IGN)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        outputCollector = OutputCollector(descriptor: outputPipe.fileHandleForReading.fileDescriptor)
        errorCollector = OutputCollector(descriptor: errorPipe.fileHandleForReading.fileDescriptor)
        // Test code runs on dispatch worker threads, which block most signals, and a child
        // inherits the spawning thread's mask: unblock them around run(), or SIGTERM (say)
        // would never reach the kiosk.
        var everything = sigset_t()
        sigfillset(&everything)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &everything, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        try process.run()
    }

    deinit {
        if process.isRunning {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything the child wrote to stdout so far, decoded leniently.
    package var output: String {
        outputCollector.text
    }

    /// Everything the child wrote to stderr so far, decoded leniently.
    package var errorOutput: String {
        errorCollector.text
    }

    /// Whether the child has not exited yet.
    package var isRunning: Bool {
        process.isRunning
    }

    /// Writes `text` (UTF-8) to the child's stdin. Failures (the child is gone) are not
    /// thrown: the next `expect` or `waitForExit` reports them.
    package func write(_ text: String) {
        writeBytes(Array(text.utf8))
    }

    /// Writes raw bytes to the child's stdin, for invalid input.
    package func writeBytes(_ bytes: [UInt8]) {
        guard !inputClosed else { return }
        let descriptor = input.fileHandleForWriting.fileDescriptor
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Closes the child's stdin: it reads end of input once it has read what was written.
    package func closeInput() {
        guard !inputClosed else { return }
        inputClosed = true
        try? input.fileHandleForWriting.close()
    }

    /// Reads output until `needle` appears after the current position of `stream`; returns
    /// the text from that position through the needle and moves the position past it.
    /// - Throws: `HarnessError` with the output's tail on timeout, or if the child exits first.
    @discardableResult
    package func expect(
        _ needle: String, in stream: Stream = .standardOutput, timeout: Duration = .seconds(10)
    ) throws -> String {
        let (collector, other) =
            stream == .standardOutput
            ? (outputCollector, errorCollector) : (errorCollector, outputCollector)
        return try collector.expect(needle, timeout: timeout, alongWith: [other]) { currentExitStatus() }
    }

    /// Waits for the child to exit while reading its output; returns its exit status, or
    /// 128 + the signal number when a signal ended it.
    /// - Throws: `HarnessError.stillRunning` when `timeout` passes first.
    package func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let collectors = [outputCollector, errorCollector]
        while true {
            if let status = currentExitStatus() {
                OutputCollector.drain(collectors)
                return status
            }
            let remaining = deadline - clock.now
            if remaining <= .zero {
                throw HarnessError.stillRunning(after: timeout, outputTail: HarnessError.tail(of: output + errorOutput))
            }
            OutputCollector.pump(collectors, waitingUpTo: min(remaining, .milliseconds(50)))
        }
    }

    /// Sends `signal` to the child, if it is still running.
    package func kill(signal: Int32) {
        if process.isRunning {
            _ = Glibc.kill(process.processIdentifier, signal)
        }
    }

    /// The exit status (128 + signal for a signal), or nil while running.
    private func currentExitStatus() -> Int32? {
        guard !process.isRunning else { return nil }
        switch process.terminationReason {
        case .exit:
            return process.terminationStatus
        case .uncaughtSignal:
            return 128 + process.terminationStatus
        @unknown default:
            return process.terminationStatus
        }
    }
}
