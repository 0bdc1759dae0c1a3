import Foundation
import KioskStore

/// The attend service's view of its own health: it owns the database once it opened cleanly,
/// and says before each applicant whether the kiosk may take an application.
///
/// The disk is checked every time (one `statvfs`). The integrity check reads the whole
/// file, so it runs at start, after a failed store and otherwise at most every
/// `integrityInterval` by the injected clock. A database that fails it is let go, so nothing
/// writes to it, and reopened (checked again, on a connection that cannot write) at the next check.
package struct ServiceHealth {
    package let check: HealthCheck
    package let integrityInterval: Duration
    package private(set) var database: AppDatabase?
    private let clock: any AttendClock
    private var lastIntegrityCheck: Date?

    package init(check: HealthCheck, integrityInterval: Duration = .seconds(600), clock: any AttendClock) {
        self.check = check
        self.integrityInterval = integrityInterval
        self.clock = clock
    }

    /// The problems now; empty means `database` is open and may take an application.
    package mutating func problems() -> [HealthProblem] {
        // A full disk is checked first: opening a new database would write to it.
        if let problem = check.diskProblem() { return [problem] }
        let now = clock.now
        guard let database else {
            switch check.openDatabase() {
            case .success(let opened):
                database = opened
                lastIntegrityCheck = now
                return []
            case .failure(let problem):
                return [problem]
            }
        }
        if let last = lastIntegrityCheck, now.timeIntervalSince(last) >= 0,
            .seconds(now.timeIntervalSince(last)) < integrityInterval
        {
            return []
        }
        lastIntegrityCheck = now
        if let problem = HealthCheck.integrityProblem(database) {
            self.database = nil
            return [problem]
        }
        return []
    }

    /// A store failed: check the integrity again before the next applicant.
    package mutating func storeFailed() {
        lastIntegrityCheck = nil
    }
}
