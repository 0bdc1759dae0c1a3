import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulates a child's output from a non-blocking descriptor and finds expected text in
/// it, so that a test waits for what the kiosk prints instead of sleeping.
///
/// Shared by `PseudoTerminal` (the pty master) and `PipeProcess` (stdout and stderr). It
/// never closes the descriptor; its owner does.
package final class OutputCollector {
    private let descriptor: Int32
    /// Every byte read so far.
    private(set) var bytes: [UInt8] = []
    /// Where the next `expect` starts looking.
    private var position = 0
    /// True once the descriptor reported end of file, or EIO (a pty whose slave side is gone).
    private(set) var isClosed = false

    package init(descriptor: Int32) {
        self.descriptor = descriptor
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    /// Everything read so far, decoded leniently.
    package var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until `collectors` have output, at most `wait`, then reads all that is there.
    /// Returns whether any byte was read. Sleeps out `wait` when every collector is closed.
    @discardableResult
    package static func pump(_ collectors: [OutputCollector], waitingUpTo wait: Duration) -> Bool {
        let open = collectors.filter { !$0.isClosed }
        let milliseconds = Self.milliseconds(wait)
        guard !open.isEmpty else {
            if milliseconds > 0 {
                usleep(UInt32(milliseconds) * 1000)
            }
            return false
        }
        var descriptors = open.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        guard poll(&descriptors, nfds_t(descriptors.count), milliseconds) > 0 else {
            return false
        }
        var readAny = false
        for (collector, polled) in zip(open, descriptors) where polled.revents != 0 {
            readAny = collector.readAvailable() || readAny
        }
        return readAny
    }

    /// Reads until output stays quiet for `quietPeriod` or the descriptor closes, to pick
    /// up the last words of a child that just exited.
    package static func drain(_ collectors: [OutputCollector], quietPeriod: Duration = .milliseconds(200)) {
        while collectors.contains(where: { !$0.isClosed }), pump(collectors, waitingUpTo: quietPeriod) {}
    }

    /// Finds `needle` after the current position; on success returns the text from the
    /// position through the needle and moves the position past it.
    package func take(through needle: String) -> String? {
        let needleBytes = Array(needle.utf8)
        guard let range = Self.firstRange(of: needleBytes, in: bytes, from: position) else {
            return nil
        }
        let found = String(decoding: bytes[position..<range.upperBound], as: UTF8.self)
        position = range.upperBound
        return found
    }

    /// Waits for `needle` to appear after the current position.
    /// - Parameter exitStatus: returns the child's status once it has exited, else nil.
    package func expect(
        _ needle: String,
        timeout: Duration,
        alongWith others: [OutputCollector] = [],
        exitStatus: () -> Int32?
    ) throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let everyone = [self] + others
        while true {
            if let found = take(through: needle) {
                return found
            }
            if isClosed || exitStatus() != nil {
                Self.drain(everyone)
                if let found = take(through: needle) {
                    return found
                }
                throw HarnessError.exitedEarly(
                    waitingFor: needle, status: Self.settle(exitStatus), outputTail: HarnessError.tail(of: text))
            }
            let remaining = deadline - clock.now
            if remaining <= .zero {
                throw HarnessError.timedOut(waitingFor: needle, after: timeout, outputTail: HarnessError.tail(of: text))
            }
            Self.pump(everyone, waitingUpTo: min(remaining, .milliseconds(100)))
        }
    }

    /// The exit status, waiting up to a second for it: a child that closed its output is
    /// usually about to exit, and the status tells more than "closed its output".
    private static func settle(_ exitStatus: () -> Int32?) -> Int32? {
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(1)
        var status = exitStatus()
        while status == nil, clock.now < giveUp {
            usleep(10_000)
            status = exitStatus()
        }
        return status
    }

    /// Reads until the descriptor would block; returns whether anything was read.
    private func readAvailable() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var readAny = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: buffer[0..<count])
                readAny = true
                continue
            }
            if count < 0 && errno == EINTR {
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return readAny
            }
            isClosed = true  // 0: end of file; EIO: the pty's other side is closed
            return readAny
        }
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard haystack.count - start >= needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index..<(index + needle.count)
        }
        return nil
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        return Int32(
            clamping: min(seconds, 1_000_000) * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
