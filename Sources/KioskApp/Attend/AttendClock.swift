import Foundation

/// Where the attend service reads the time and waits, so tests move time on instead of
/// sleeping: the day applicants' ages are judged on, the stored time, the integrity-check
/// interval and the back-off on a hung-up terminal.
package protocol AttendClock: Sendable {
    var now: Date { get }
    /// Blocks for `duration`; a test clock only moves its time on.
    func sleep(for duration: Duration)
}

/// The system's clock.
package struct SystemAttendClock: AttendClock {
    package init() {}

    package var now: Date { Date() }

    package func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Thread.sleep(forTimeInterval: TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }
}
