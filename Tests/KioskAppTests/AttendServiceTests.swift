import Foundation
import KioskApp
import KioskCore
import KioskStore
import KioskTerminal
import KioskTestSupport
import Logging
import Synchronization
import Testing

/// The attend service in-process: a script for the applicant, a recorder for the screen, a
/// clock the test moves on, and a real SQLite file in a temporary data folder.
@Suite("AttendService in-process")
struct AttendServiceTests {
    /// One ua-contract application in English, from the language menu to the reference screen.
    static let application = [
        "2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
        "+380 67 123 45 67", "", "1", "2", "no", "1", "7", "", "1", "yes", "confirm", "",
    ]

    let folder: TemporaryFolder
    let context: KioskContext

    init() throws {
        folder = try TemporaryFolder(prefix: "kiosk-attend")
        context = try KioskContext.load(
            dataDir: folder.path("data"), kioskDir: Repository.kioskFolder.path, environment: [:])
    }

    func service(
        _ input: ScriptInput, _ output: ScreenRecorder, _ clock: TestClock, once: Bool = true
    ) throws
        -> AttendService
    {
        AttendService(
            form: try context.resources.form(context.config.form), resources: context.resources,
            center: context.config.center,
            health: ServiceHealth(check: HealthCheck(folder: context.folder, config: context.config), clock: clock),
            settings: AttendService.Settings(once: once, idleTimeout: .seconds(120)),
            input: input, output: output, clock: clock, logger: Logger(label: "test.attend"))
    }

    @Test func aScriptedApplicationIsStoredWithTheClocksTimeAndItsReferenceShown() throws {
        // Given an applicant who types the whole application, on a day the test chooses
        let input = ScriptInput(Self.application.map { .line($0) })
        let output = ScreenRecorder()
        let clock = TestClock(now: Date(timeIntervalSince1970: 1_798_000_000))  // 2026-12-23

        // When the service runs
        var attend = try service(input, output, clock)
        try attend.run()

        // Then one application is stored, at the clock's time, and its reference was shown
        let database = try context.folder.openDatabase()
        #expect(try database.applications.countsByState()[.submitted] == 1)
        let reference = ReferenceNumber(center: "DEMO01", year: 2026, serial: 1).description
        let stored = try #require(try database.applications.find(reference: reference))
        #expect(stored.submittedAt == clock.now)
        #expect(try stored.answers()["surname"] == .single("Shevchenko"))
        #expect(output.text.contains(reference))
    }

    @Test func theNextPersonWithAKnownRNOKPPIsToldNothingAboutIt() throws {
        // Given one application stored, and the same person applying again
        let clock = TestClock(now: Date(timeIntervalSince1970: 1_798_000_000))
        let first = ScreenRecorder()
        var attend = try service(ScriptInput(Self.application.map { .line($0) }), first, clock)
        try attend.run()
        let second = ScreenRecorder()
        attend = try service(ScriptInput(Self.application.map { .line($0) }), second, clock)
        try attend.run()

        // Then both are stored, and the second screen is the first one but for the reference
        let database = try context.folder.openDatabase()
        #expect(try database.applications.countsByState()[.submitted] == 2)
        let one = ReferenceNumber(center: "DEMO01", year: 2026, serial: 1).description
        let two = ReferenceNumber(center: "DEMO01", year: 2026, serial: 2).description
        #expect(second.text.contains(two))
        #expect(second.text.replacingOccurrences(of: two, with: one) == first.text)
        // While the review console sees the pair
        #expect(try database.review.sameNationalNumber(as: [two])[two]?.map(\.reference) == [one])
    }

    @Test func anIdleTimeoutDropsTheDraftWithoutWaitingAndStoresNothing() throws {
        // Given an applicant who answers three questions and walks away
        let input = ScriptInput(Self.application.prefix(4).map { .line($0) } + [.timeout])
        let output = ScreenRecorder()
        let clock = TestClock(now: Date(timeIntervalSince1970: 1_798_000_000))

        // When the service runs until the input ends (the timeout is scripted: nothing waits)
        var attend = try service(input, output, clock, once: false)
        try attend.run()

        // Then nothing is stored, and the screen was cleared again after the timeout
        let database = try context.folder.openDatabase()
        #expect(try database.applications.countsByState().values.reduce(0, +) == 0)
        #expect(output.clears >= 2)
        #expect(!output.text.contains("DEMO01-2026-"))
    }
}

/// The applicant's lines, then end of input.
final class ScriptInput: AttendInput {
    private let events: Mutex<[LineEvent]>
    let maxLineBytes = 512
    let isTerminal = false

    init(_ events: [LineEvent]) {
        self.events = Mutex(events)
    }

    func readLine(timeout: Duration) -> LineEvent {
        events.withLock { $0.isEmpty ? .endOfInput : $0.removeFirst() }
    }

    func discardTypeahead() {}
}

/// Everything the service wrote, and how often it cleared the screen.
final class ScreenRecorder: AttendOutput, Sendable {
    private let state = Mutex<(text: String, clears: Int)>(("", 0))
    let size: TerminalSize

    init(size: TerminalSize = .fallback) {
        self.size = size
    }

    func write(_ text: String) throws { state.withLock { $0.text += text } }
    func clearScreen() throws { state.withLock { $0.clears += 1 } }

    var text: String { state.withLock { $0.text } }
    var clears: Int { state.withLock { $0.clears } }
}

/// A clock that only moves when the service sleeps.
final class TestClock: AttendClock {
    private let current: Mutex<Date>

    init(now: Date) { current = Mutex(now) }

    var now: Date { current.withLock { $0 } }
    func sleep(for duration: Duration) {
        current.withLock { $0 += TimeInterval(duration.components.seconds) }
    }
}
