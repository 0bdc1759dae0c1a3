import Foundation
import KioskStore

/// The attend loop's view of its own health: it owns the database once it opened cleanly,
/// and says before each applicant whether the kiosk may take an application.
///
/// The disk is checked every time (one `statvfs`). The integrity check reads the whole
/// file, so it runs at start, after a failed store and otherwise at most every
/// `integrityInterval`. A database that fails it is let go, so nothing writes to it, and
/// reopened (checked again, on a connection that cannot write) at the next check.
struct ServiceHealth {
    let check: HealthCheck
    let integrityInterval: Duration
    private(set) var database: AppDatabase?
    private var lastIntegrityCheck: ContinuousClock.Instant?

    init(check: HealthCheck, integrityInterval: Duration = .seconds(600)) {
        self.check = check
        self.integrityInterval = integrityInterval
    }

    /// The problems now; empty means `database` is open and may take an application.
    mutating func problems() -> [HealthProblem] {
        // A full disk is checked first: opening a new database would write to it.
        if let problem = check.diskProblem() { return [problem] }
        guard let database else {
            switch check.openDatabase() {
            case .success(let opened):
                database = opened
                lastIntegrityCheck = .now
                return []
            case .failure(let problem):
                return [problem]
            }
        }
        if let last = lastIntegrityCheck, ContinuousClock.now - last < integrityInterval { return [] }
        lastIntegrityCheck = .now
        if let problem = HealthCheck.integrityProblem(database) {
            self.database = nil
            return [problem]
        }
        return []
    }

    /// A store failed: check the integrity again before the next applicant.
    mutating func storeFailed() {
        lastIntegrityCheck = nil
    }
}

/// The attend command stopped while out of service (only at end of input on a pipe, or
/// with `--once`); on a terminal the kiosk waits for the problem to go away instead.
struct OutOfServiceError: Error, CustomStringConvertible {
    let problems: [HealthProblem]

    var description: String {
        "out of service, no application taken: " + problems.map(\.description).joined(separator: "; ")
    }
}
