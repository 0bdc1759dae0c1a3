import Foundation
import KioskSQLite
import KioskStore

/// The attend service's view of its own health: it owns the database once it opened cleanly,
/// and says before each applicant whether the kiosk may take an application.
///
/// The disk is checked every time (one `statvfs`). Opening the database checks its structure
/// at once and starts the full `integrity_check` behind the welcome screen; the form waits for
/// that check (`fullCheckProblem`), and so does every commit. `quick_check` reads the whole
/// file, so it runs after a failed store and otherwise at most every `integrityInterval` by
/// the injected clock. A database that fails a check is let go, so nothing writes to it, and
/// reopened (checked again, on a connection that cannot write) at the next check.
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
                // The last full check of this file found damage: wait for this one before serving.
                if let record = IntegrityRecord.last(for: check.databasePath), !record.passed,
                    let problem = fullCheckProblem()
                {
                    return [problem]
                }
                return []
            case .failure(let problem):
                return [problem]
            }
        }
        if case .problems = database.integrityCheck.result, let problem = fullCheckProblem() {
            return [problem]
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

    /// Waits for the full integrity check of the open database, which has run since it was
    /// opened; a database it finds damaged is let go. The attend loop asks before the form, so
    /// no one fills one in for a database that would refuse it.
    package mutating func fullCheckProblem() -> HealthProblem? {
        guard let database else { return nil }
        guard case .problems(let lines) = database.integrityCheck.wait() else { return nil }
        self.database = nil
        return .database(StoreError(.damaged, "integrity_check: \(IntegrityResult.problems(lines))").description)
    }

    /// A store failed: check the integrity again before the next applicant.
    package mutating func storeFailed() {
        lastIntegrityCheck = nil
    }
}
