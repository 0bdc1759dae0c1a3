import Dispatch
import Foundation
import GRDB
import Synchronization

/// SQLite's full `PRAGMA integrity_check` of one database file, run once, off the caller's
/// thread, on a connection that cannot write; its result is recorded beside the file.
///
/// The kiosk opens its database after a structural check that costs the same at any size
/// (`SQLiteFile.checkStructure`) and starts this check at the same time, so the first prompt
/// does not wait for a scan of the whole file. `CommitGate` makes the writer's first commit
/// wait for it and refuses the commit when it found damage, so a damaged file is still
/// never written to.
package final class FullIntegrityCheck: Sendable {
    private enum Phase {
        case idle
        case running
        case finished(IntegrityResult)
    }

    package let path: String
    private let phase: Mutex<Phase>
    private let finished = DispatchGroup()

    /// A check of the existing file at `path`; nothing runs until `start()` or `wait()`.
    package init(path: String) {
        self.path = path
        phase = Mutex(.idle)
    }

    /// A check that has already passed: the file was created by this open, so it holds nothing
    /// anyone else wrote.
    package init(createdAt path: String) {
        self.path = path
        phase = Mutex(.finished(.ok))
    }

    /// Starts the check in the background unless it already ran or runs.
    package func start() {
        let begins = phase.withLock { phase in
            guard case .idle = phase else { return false }
            phase = .running
            finished.enter()
            return true
        }
        guard begins else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            let result = Self.run(path)
            phase.withLock { $0 = .finished(result) }
            finished.leave()
        }
    }

    /// The result once the check has finished; nil while it runs or before it started. Never waits.
    package var result: IntegrityResult? {
        phase.withLock { phase in
            if case .finished(let result) = phase { return result }
            return nil
        }
    }

    /// Starts the check if needed and waits for its result.
    package func wait() -> IntegrityResult {
        start()
        finished.wait()
        return result ?? .problems(["the integrity check did not finish"])
    }

    /// Runs `integrity_check` on a `query_only` connection and records the result.
    ///
    /// `query_only`, not a read-only open: SQLite skips CHECK constraints in an integrity check
    /// on a read-only connection, and query_only refuses every write just the same. An error
    /// while checking (the file cannot be read, SQLite reports corruption) counts as damage, so
    /// nothing writes to a file that could not be checked.
    static func run(_ path: String) -> IntegrityResult {
        let started = Date()
        var pages: Int?
        let result: IntegrityResult
        do {
            var config = Configuration()
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA query_only = 1")
                try SQLiteFile.checkpointOnClose(db, allowed: false)
            }
            config.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            (result, pages) = try queue.read { db in
                (try IntegrityResult.check(db, .full), try Int.fetchOne(db, sql: "PRAGMA page_count"))
            }
        } catch let error as DatabaseError {
            result = .problems([error.message ?? "\(error.resultCode)"])
        } catch {
            result = .problems(["\(error)"])
        }
        IntegrityRecord(
            checkedAt: started, seconds: Date().timeIntervalSince(started), result: result.description, pages: pages,
            fileID: IntegrityRecord.fileID(of: path)
        ).write(for: path)
        return result
    }
}

/// Holds the writer's commits until the full integrity check has passed, and refuses them if
/// it found damage: SQLite rolls the transaction back, so nothing reaches the file.
///
/// Added to the writer connection for its lifetime; every write path (the attend loop, the
/// review console, batches, delivery, migrations) commits through that one connection.
final class CommitGate: TransactionObserver, Sendable {
    let check: FullIntegrityCheck
    /// Turns the damage into the error callers report (the store's own words).
    let refusal: @Sendable (SQLiteOpenError) -> any Error

    init(check: FullIntegrityCheck, refusal: @escaping @Sendable (SQLiteOpenError) -> any Error) {
        self.check = check
        self.refusal = refusal
    }

    func databaseWillCommit() throws {
        if case .problems = check.wait() {
            throw refusal(SQLiteOpenError(.damaged, "integrity_check: \(check.wait())"))
        }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    func databaseDidChange(with event: DatabaseEvent) {}
    /// A commit went through, so the check passed: closing may checkpoint again.
    func databaseDidCommit(_ db: Database) {
        try? SQLiteFile.checkpointOnClose(db, allowed: true)
    }
    func databaseDidRollback(_ db: Database) {}
}
