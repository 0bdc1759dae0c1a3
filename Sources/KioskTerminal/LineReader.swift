#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads bounded, validated lines straight from a file descriptor, so that a hostile or
/// broken terminal can neither exhaust memory nor smuggle control sequences into answers.
///
/// Works the same on a tty (canonical mode, where the driver hands over one edited line per
/// `read`) and on pipes (where a `read` may return several lines or part of one).
///
/// - Lines end at CR, LF or CRLF. A CR followed by LF is one line end, even when the LF only
///   arrives in a later `read` or a later call. A final line without a terminator counts as a
///   line when input ends.
/// - A line longer than `maxLineBytes` bytes (terminator excluded) is dropped up to its end and
///   reported once as `.rejected(.tooLong)`. Memory stays bounded by `maxLineBytes` plus one
///   read chunk, whatever the length of the line.
/// - A line that is not valid UTF-8 gives `.rejected(.invalidUTF8)`; one with a C0 control
///   (tab included), DEL, a C1 control or a bidi control gives `.rejected(.controlCharacter)`.
///
/// End of input is reported each time `read` returns 0, never remembered: on a tty in
/// canonical mode Ctrl-D at the start of a line makes one `read` return 0 and the next call
/// reads again. On a pipe or a hung-up tty every further call returns `.endOfInput` at once,
/// so a caller that keeps reading after `.endOfInput` must back off (or stop) when it repeats,
/// or it will spin.
///
/// The reader may buffer bytes beyond the line it returns; nobody else should read the same
/// descriptor. It is not `Sendable`: one owner uses it at a time.
public final class LineReader {
    /// The descriptor read from; the reader never closes it.
    public let fileDescriptor: Int32
    /// The largest accepted line, in bytes, terminator excluded.
    public let maxLineBytes: Int

    private static let chunkSize = 4096
    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A

    /// Bytes read but not yet consumed live in `chunk[chunkStart..<chunkEnd]`.
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    /// The current line so far; never grows past `maxLineBytes`.
    private var line: [UInt8] = []
    /// True while dropping the rest of a line that already exceeded the limit.
    private var isDiscardingOverlongLine = false
    /// True right after a CR ended a line: an LF that follows belongs to it.
    private var skipsLineFeed = false

    /// Creates a reader; it does not change the descriptor's flags or terminal modes.
    public init(fileDescriptor: Int32, maxLineBytes: Int = 512) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.fileDescriptor = fileDescriptor
        self.maxLineBytes = maxLineBytes
        self.chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        self.line.reserveCapacity(maxLineBytes)
    }

    /// Waits for the next line, at most `timeout` in total (nil waits forever).
    ///
    /// The timeout bounds the whole call, so a trickle of bytes that never ends a line cannot
    /// hold it past the deadline. After `.timeout` the bytes of an unfinished line stay
    /// buffered and the line can still complete on a later call; call `discardBuffered()` to
    /// start afresh instead. Read errors other than EINTR/EAGAIN end input (`.endOfInput`).
    public func readLine(timeout: Duration?) -> LineEvent {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let event = consumeBufferedBytes() {
                return event
            }
            switch fillChunk(deadline: deadline) {
            case .filled:
                continue
            case .timedOut:
                return .timeout
            case .endOfInput:
                skipsLineFeed = false
                if isDiscardingOverlongLine || !line.isEmpty {
                    return finishLine()
                }
                return .endOfInput
            }
        }
    }

    /// Drops every byte read but not yet returned, including an unfinished line, so that
    /// type-ahead from a previous screen or an abandoned session cannot become an answer.
    ///
    /// It does not touch the descriptor; pair it with `TerminalControl.discardPendingInput`
    /// to also drop what the tty driver still holds. The memory that a CR just ended a line
    /// is kept, so the LF of a CRLF split around this call is still not taken for an empty line.
    public func discardBuffered() {
        chunkStart = 0
        chunkEnd = 0
        line.removeAll(keepingCapacity: true)
        isDiscardingOverlongLine = false
    }

    /// Bytes held in memory by the reader, for tests that check memory stays bounded.
    var retainedCapacity: Int {
        chunk.capacity + line.capacity
    }

    // MARK: - Scanning

    /// Consumes buffered bytes up to the next line end; nil when they run out first.
    private func consumeBufferedBytes() -> LineEvent? {
        while chunkStart < chunkEnd {
            if skipsLineFeed {
                skipsLineFeed = false
                if chunk[chunkStart] == Self.lineFeed {
                    chunkStart += 1
                    continue
                }
            }
            let terminatorIndex = chunk[chunkStart..<chunkEnd].firstIndex {
                $0 == Self.lineFeed || $0 == Self.carriageReturn
            }
            let contentEnd = terminatorIndex ?? chunkEnd
            appendToLine(chunk[chunkStart..<contentEnd])
            chunkStart = contentEnd
            if let terminatorIndex {
                skipsLineFeed = chunk[terminatorIndex] == Self.carriageReturn
                chunkStart = terminatorIndex + 1
                return finishLine()
            }
        }
        return nil
    }

    /// Adds line content, switching to discard mode once the line passes the limit.
    private func appendToLine(_ bytes: ArraySlice<UInt8>) {
        guard !isDiscardingOverlongLine, !bytes.isEmpty else { return }
        if line.count + bytes.count > maxLineBytes {
            isDiscardingOverlongLine = true
            line.removeAll(keepingCapacity: true)
        } else {
            line.append(contentsOf: bytes)
        }
    }

    /// Turns the collected line into an event and resets for the next line.
    private func finishLine() -> LineEvent {
        defer {
            line.removeAll(keepingCapacity: true)
            isDiscardingOverlongLine = false
        }
        if isDiscardingOverlongLine {
            return .rejected(.tooLong(limit: maxLineBytes))
        }
        var scalars = String.UnicodeScalarView()
        var iterator = line.makeIterator()
        var decoder = UTF8()
        var hasControl = false
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if TerminalText.isForbiddenInInput(scalar) {
                    hasControl = true
                }
                scalars.append(scalar)
            case .emptyInput:
                break decoding
            case .error:
                return .rejected(.invalidUTF8)
            }
        }
        if hasControl {
            return .rejected(.controlCharacter)
        }
        return .line(String(scalars))
    }

    // MARK: - Reading

    private enum FillResult {
        case filled
        case timedOut
        case endOfInput
    }

    /// Waits with poll() until the descriptor is readable, then reads one chunk.
    private func fillChunk(deadline: ContinuousClock.Instant?) -> FillResult {
        chunkStart = 0
        chunkEnd = 0
        while true {
            var pollTimeout: Int32 = -1
            if let deadline {
                pollTimeout = Self.milliseconds(until: deadline)
            }
            var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, pollTimeout)
            if ready < 0 {
                if errno == EINTR || errno == EAGAIN {
                    continue
                }
                return .endOfInput
            }
            if ready == 0 {
                if let deadline, ContinuousClock.now >= deadline {
                    return .timedOut
                }
                continue  // a long timeout was clamped to what poll() accepts
            }
            if descriptor.revents & Int16(POLLNVAL) != 0 {
                return .endOfInput
            }
            let count = chunk.withUnsafeMutableBytes { buffer in
                read(fileDescriptor, buffer.baseAddress, buffer.count)
            }
            if count > 0 {
                chunkEnd = count
                return .filled
            }
            if count == 0 {
                return .endOfInput
            }
            if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK {
                continue
            }
            return .endOfInput  // EIO after a hangup, EBADF, ...
        }
    }

    /// The poll() timeout for `deadline`: rounded up so that poll never wakes just before it
    /// and loops with a zero timeout, 0 once it has passed, clamped to Int32.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        let limit = Int64(Int32.max)
        guard seconds < limit / 1000 else { return Int32.max }
        return Int32(min(seconds * 1000 + fraction, limit))
    }
}

/// One owner reads a descriptor at a time; sharing a reader across tasks would split lines.
@available(*, unavailable)
extension LineReader: Sendable {}
