import Foundation
import Glibc
import Synchronization
import Testing

@testable import KioskTerminal

/// A generous bound so a broken reader fails the test instead of hanging it.
private let patience: Duration = .seconds(10)

@Suite("LineReader on pipes")
struct LineReaderTests {
    // MARK: Line ends

    @Test("LF, CR and CRLF each end one line; a final unterminated line still counts")
    func lineTerminators() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("lf\ncr\rcrlf\r\n\r\rtail")
        pipe.closeWriteEnd()

        #expect(reader.readLine(timeout: patience) == .line("lf"))
        #expect(reader.readLine(timeout: patience) == .line("cr"))
        #expect(reader.readLine(timeout: patience) == .line("crlf"))
        #expect(reader.readLine(timeout: patience) == .line(""))
        #expect(reader.readLine(timeout: patience) == .line(""))
        #expect(reader.readLine(timeout: patience) == .line("tail"))
        #expect(reader.readLine(timeout: patience) == .endOfInput)
        #expect(reader.readLine(timeout: patience) == .endOfInput)
    }

    @Test("CRLF split across two writes is one line end, not an extra empty line")
    func crlfSplitAcrossWrites() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("one\r")
        #expect(reader.readLine(timeout: patience) == .line("one"))
        pipe.write("\ntwo\n")
        #expect(reader.readLine(timeout: patience) == .line("two"))
        pipe.write("\r")
        #expect(reader.readLine(timeout: patience) == .line(""))
        pipe.write("three\n")
        #expect(reader.readLine(timeout: patience) == .line("three"))
    }

    @Test("EOF in the middle of a line gives the partial line, then end of input")
    func endOfInputMidLine() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("complete\npart")
        pipe.closeWriteEnd()
        #expect(reader.readLine(timeout: patience) == .line("complete"))
        #expect(reader.readLine(timeout: patience) == .line("part"))
        #expect(reader.readLine(timeout: patience) == .endOfInput)
    }

    @Test("Empty input is end of input at once")
    func emptyInput() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.closeWriteEnd()
        #expect(reader.readLine(timeout: nil) == .endOfInput)
    }

    // MARK: Length cap

    @Test("A line of exactly the limit is accepted; one byte more is rejected")
    func limitBoundary() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd, maxLineBytes: 8)
        pipe.write("12345678\n123456789\nafter\n")
        #expect(reader.readLine(timeout: patience) == .line("12345678"))
        #expect(reader.readLine(timeout: patience) == .rejected(.tooLong(limit: 8)))
        #expect(reader.readLine(timeout: patience) == .line("after"))
    }

    @Test("The limit counts UTF-8 bytes, not characters")
    func limitCountsBytes() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd, maxLineBytes: 9)
        pipe.write("ééééé\néééé\n")  // 10 bytes, then 8 bytes
        #expect(reader.readLine(timeout: patience) == .rejected(.tooLong(limit: 9)))
        #expect(reader.readLine(timeout: patience) == .line("éééé"))
    }

    @Test("A 1 MiB line is rejected once, the next line reads fine, memory stays bounded")
    func oneMebibyteLine() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        var input = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        input.append(contentsOf: Array("\nnext\n".utf8))
        let writer = pipe.writeInBackgroundAndClose(input)
        defer { writer.wait() }

        #expect(reader.readLine(timeout: patience) == .rejected(.tooLong(limit: 512)))
        #expect(reader.readLine(timeout: patience) == .line("next"))
        #expect(reader.readLine(timeout: patience) == .endOfInput)
        #expect(reader.retainedCapacity < 16 * 1024)
    }

    @Test("An over-long line cut off by end of input is rejected, then end of input")
    func overlongLineAtEndOfInput() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd, maxLineBytes: 4)
        pipe.write("abcdefgh")
        pipe.closeWriteEnd()
        #expect(reader.readLine(timeout: patience) == .rejected(.tooLong(limit: 4)))
        #expect(reader.readLine(timeout: patience) == .endOfInput)
    }

    // MARK: Encoding and controls

    @Test("A UTF-8 sequence split across reads is joined", arguments: [1, 2, 3])
    func splitScalar(splitAt: Int) throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        let bytes = Array("🇺🇦\n".utf8)  // two 4-byte scalars
        pipe.write(Array(bytes[..<splitAt]))
        #expect(reader.readLine(timeout: .milliseconds(50)) == .timeout)
        pipe.write(Array(bytes[splitAt...]))
        #expect(reader.readLine(timeout: patience) == .line("🇺🇦"))
    }

    @Test(
        "Invalid UTF-8 is rejected and the next line still reads",
        arguments: [
            [0xFF],  // never valid
            [0xC0, 0xAF],  // overlong "/"
            [0xE0, 0x80, 0xAF],  // overlong, three bytes
            [0x80],  // lone continuation byte
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate U+D800 encoded
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0x61, 0xE2, 0x82],  // truncated sequence before the line end
        ] as [[UInt8]]
    )
    func invalidUTF8(bytes: [UInt8]) throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write(bytes + Array("\nok\n".utf8))
        #expect(reader.readLine(timeout: patience) == .rejected(.invalidUTF8))
        #expect(reader.readLine(timeout: patience) == .line("ok"))
    }

    @Test(
        "Control characters are rejected",
        arguments: [
            "up\u{1B}[A",  // arrow key
            "\u{3}",  // Ctrl-C
            "a\u{0}b",  // NUL
            "a\tb",  // tab is a C0 control too
            "a\u{7F}",  // DEL
            "a\u{85}b",  // C1 NEL
            "a\u{9B}31m",  // C1 CSI
            "\u{200E}a",  // LRM
            "a\u{200F}",  // RLM
            "a\u{202E}b",  // RLO
            "a\u{202A}b",  // LRE
            "a\u{2066}b",  // LRI
            "a\u{2069}",  // PDI
        ]
    )
    func controlCharacters(text: String) throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write(text + "\nok\n")
        #expect(reader.readLine(timeout: patience) == .rejected(.controlCharacter))
        #expect(reader.readLine(timeout: patience) == .line("ok"))
    }

    @Test("Invalid UTF-8 wins over a control character in the same line")
    func invalidBeforeControl() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write([0x1B, 0xFF, 0x0A])
        #expect(reader.readLine(timeout: patience) == .rejected(.invalidUTF8))
    }

    @Test("Letters of any script, combining marks, emoji and spaces are accepted")
    func printableText() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        let text = "Žemaitė Київ Ελλάδα 東京 e\u{301} 👨‍👩‍👧 a\u{A0}b \\u{1B}"
        pipe.write(text + "\n")
        #expect(reader.readLine(timeout: patience) == .line(text))
    }

    // MARK: Timeouts and buffering

    @Test("With no input, readLine returns .timeout after about the time asked")
    func timeout() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(reader.readLine(timeout: .milliseconds(200)) == .timeout)
        }
        // Not earlier than asked; how much later depends on the machine's load, not on the reader.
        #expect(elapsed >= .milliseconds(150))
    }

    @Test("A zero timeout still returns a line that is already waiting")
    func zeroTimeoutWithData() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("ready\n")
        #expect(reader.readLine(timeout: .zero) == .line("ready"))
        #expect(reader.readLine(timeout: .zero) == .timeout)
    }

    @Test("A partial line survives a timeout and completes on the next call")
    func partialLineSurvivesTimeout() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("par")
        #expect(reader.readLine(timeout: .milliseconds(50)) == .timeout)
        pipe.write("tial\n")
        #expect(reader.readLine(timeout: patience) == .line("partial"))
    }

    @Test("discardBuffered drops a partial line and lines read ahead")
    func discardBuffered() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd)
        pipe.write("first\nahead\npart")
        #expect(reader.readLine(timeout: patience) == .line("first"))
        reader.discardBuffered()
        pipe.write("fresh\n")
        #expect(reader.readLine(timeout: patience) == .line("fresh"))
    }

    @Test("discardBuffered also ends the discarding of an over-long line")
    func discardBufferedResetsOverlong() throws {
        let pipe = try TestPipe()
        let reader = LineReader(fileDescriptor: pipe.readEnd, maxLineBytes: 4)
        pipe.write("abcdefgh")
        #expect(reader.readLine(timeout: .milliseconds(50)) == .timeout)
        reader.discardBuffered()
        pipe.write("ok\n")
        #expect(reader.readLine(timeout: patience) == .line("ok"))
    }

    @Test("A signal interrupting poll() does not cut the timeout short")
    func interruptedPollKeepsWaiting() throws {
        installWakeUpHandler()
        let pipe = try TestPipe()
        let readEnd = pipe.readEnd
        let outcome = ReaderOutcome()
        // A thread of our own: the test's worker thread blocks signals, which would keep
        // SIGUSR2 pending instead of interrupting poll().
        let readerThread = Thread {
            var wakeUp = sigset_t()
            sigemptyset(&wakeUp)
            sigaddset(&wakeUp, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &wakeUp, nil)
            outcome.started(thread: pthread_self())
            let reader = LineReader(fileDescriptor: readEnd)
            let clock = ContinuousClock()
            var event: LineEvent?
            let elapsed = clock.measure {
                event = reader.readLine(timeout: .milliseconds(500))
            }
            outcome.finished(event: event, elapsed: elapsed)
            outcome.waitForRelease()  // stay alive until every pthread_kill is done
        }
        let before = wakeUpSignals.load(ordering: .relaxed)
        readerThread.start()
        let target = try #require(outcome.waitForStart())
        for _ in 0..<3 {
            usleep(80_000)
            pthread_kill(target, SIGUSR2)
        }
        outcome.release()
        let (event, elapsed) = try #require(outcome.waitForResult())
        #expect(event == .timeout)
        #expect(elapsed >= .milliseconds(450))
        #expect(wakeUpSignals.load(ordering: .relaxed) >= before + 3)
    }
}

/// Passes the reader thread's identity and result back to the test.
private final class ReaderOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private let startedSignal = DispatchSemaphore(value: 0)
    private let finishedSignal = DispatchSemaphore(value: 0)
    private let releaseSignal = DispatchSemaphore(value: 0)
    private var thread: pthread_t?  // guarded by lock
    private var result: (LineEvent?, Duration)?  // guarded by lock

    func started(thread: pthread_t) {
        lock.withLock { self.thread = thread }
        startedSignal.signal()
    }

    func finished(event: LineEvent?, elapsed: Duration) {
        lock.withLock { result = (event, elapsed) }
        finishedSignal.signal()
    }

    func waitForStart() -> pthread_t? {
        guard startedSignal.wait(timeout: .now() + 10) == .success else { return nil }
        return lock.withLock { thread }
    }

    func release() {
        releaseSignal.signal()
    }

    func waitForRelease() {
        _ = releaseSignal.wait(timeout: .now() + 10)
    }

    func waitForResult() -> (LineEvent?, Duration)? {
        guard finishedSignal.wait(timeout: .now() + 10) == .success else { return nil }
        return lock.withLock { result }
    }
}

/// Counts SIGUSR2 deliveries, to prove the interrupting signal really arrived.
private let wakeUpSignals = Atomic<Int>(0)

/// Installs a SIGUSR2 handler that only counts, without SA_RESTART, so poll() fails with EINTR.
private func installWakeUpHandler() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
        wakeUpSignals.add(1, ordering: .relaxed)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGUSR2, &action, nil)
}
