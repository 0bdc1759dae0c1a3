import Foundation
import GRDB
import KioskCore

/// What the upload records: headquarters' receipts, the `delivered` state, the retention
/// purge, and a log of upload runs for `kiosk status`.
public struct DeliveryStore: Sendable {
    let writer: any DatabaseWriter
}

// MARK: - Writes

extension DeliveryStore {
    /// Records headquarters' verified receipt for batch `sequence` and marks its applications
    /// `delivered`, in one transaction. Returns false when the batch was already delivered.
    @discardableResult
    public func record(sequence: Int, receipt: [UInt8], signature: [UInt8], at date: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE batch SET delivered_at = ?, receipt = ?, receipt_signature = ?
                    WHERE sequence = ? AND delivered_at IS NULL
                    """,
                arguments: [date, Data(receipt), Data(signature), sequence])
            guard db.changesCount == 1 else { return false }
            try db.execute(
                sql: "UPDATE application SET state = ?, updated_at = ? WHERE batch_sequence = ? AND state = ?",
                arguments: [ApplicationState.delivered, date, sequence, ApplicationState.batched])
            return true
        }
    }

    /// Deletes the answers (the personal data) of applications delivered at or before `cutoff`,
    /// keeping reference, state, batch sequence and dates (`forgetPersonalData`); then checkpoints the WAL (TRUNCATE)
    /// so no copy of the deleted pages stays in it. Returns how many were purged.
    @discardableResult
    public func purge(deliveredAtOrBefore cutoff: Date, at date: Date) throws -> Int {
        let purged = try writer.write { db in
            try AppDatabase.forgetPersonalData(
                db,
                of: """
                    state = ? AND batch_sequence IN
                        (SELECT sequence FROM batch WHERE delivered_at IS NOT NULL AND delivered_at <= ?)
                    """, [ApplicationState.delivered, cutoff], at: date)
        }
        if purged > 0 {
            try checkpointTruncate()
        }
        return purged
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: copies the WAL into the database and empties it.
    public func checkpointTruncate() throws {
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Logs one upload run; `kiosk status` shows the last success and the last error.
    public func recordUploadRun(_ run: UploadRun) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO upload_run (started_at, finished_at, outcome, delivered_batches, error)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [run.startedAt, run.finishedAt, run.outcome.rawValue, run.deliveredBatches, run.error])
        }
    }
}

// MARK: - Reads

extension DeliveryStore {
    /// Sequences of delivered batches, with when they were delivered.
    public func deliveredBatches() throws -> [Int: Date] {
        try writer.read { db in
            var delivered: [Int: Date] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT sequence, delivered_at FROM batch WHERE delivered_at IS NOT NULL")
            {
                delivered[row["sequence"]] = row["delivered_at"]
            }
            return delivered
        }
    }

    /// The stored receipt of a delivered batch: its bytes and signature.
    public func receipt(sequence: Int) throws -> (receipt: [UInt8], signature: [UInt8])? {
        try writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT receipt, receipt_signature FROM batch WHERE sequence = ? AND delivered_at IS NOT NULL",
                    arguments: [sequence]),
                let receipt = row["receipt"] as Data?, let signature = row["receipt_signature"] as Data?
            else { return nil }
            return ([UInt8](receipt), [UInt8](signature))
        }
    }

    /// What `kiosk status` shows about the upload: the outbox and the last runs.
    public func summary() throws -> UploadSummary {
        try writer.read { db in
            let outbox = try Row.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) AS n, COALESCE(SUM(record_count), 0) AS records FROM batch WHERE delivered_at IS NULL"
            )
            let success = try Row.fetchOne(
                db,
                sql: """
                    SELECT finished_at, delivered_batches FROM upload_run
                    WHERE outcome IN (?, ?) ORDER BY id DESC LIMIT 1
                    """, arguments: [UploadRun.Outcome.delivered.rawValue, UploadRun.Outcome.nothingToDo.rawValue])
            let failure = try Self.lastFailure(db)
            let approved = try ApplicationStore.count(db, in: .approved)
            return UploadSummary(
                outboxBatches: outbox?["n"] ?? 0, outboxApplications: outbox?["records"] ?? 0,
                approvedWaiting: approved, lastSuccessAt: success?["finished_at"], lastErrorAt: failure?["finished_at"],
                lastError: failure?["error"])
        }
    }

    /// The newest upload run that ended with an error: when and why.
    static func lastFailure(_ db: Database) throws -> Row? {
        try Row.fetchOne(
            db, sql: "SELECT finished_at, error FROM upload_run WHERE error IS NOT NULL ORDER BY id DESC LIMIT 1")
    }
}

extension DeliveryStore {
    /// The error of the newest upload run, nil when it had none: once a later run succeeded,
    /// an old error is history.
    static func newestRunError(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT error FROM upload_run ORDER BY id DESC LIMIT 1")
    }
}
