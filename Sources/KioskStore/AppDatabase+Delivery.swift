import Foundation
import GRDB

// MARK: - Schema

extension AppDatabase {
    /// The receipt's signature beside the receipt, and a log of upload runs for `kiosk status`.
    static func migrateDelivery(_ db: Database) throws {
        try db.alter(table: "batch") { t in
            t.add(column: "receipt_signature", .blob)
        }
        try db.create(table: "upload_run") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("started_at", .datetime).notNull()
            t.column("finished_at", .datetime).notNull()
            t.column("outcome", .text).notNull()
            t.column("delivered_batches", .integer).notNull()
            // One line an operator can act on; never personal data.
            t.column("error", .text)
        }
    }
}

// MARK: - Writes

extension AppDatabase {
    /// Records headquarters' verified receipt for batch `sequence` and marks its applications
    /// `delivered`, in one transaction. Returns false when the batch was already delivered.
    @discardableResult
    public func recordDelivery(sequence: Int, receipt: [UInt8], signature: [UInt8], at date: Date) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE batch SET delivered_at = ?, receipt = ?, receipt_signature = ?
                    WHERE sequence = ? AND delivered_at IS NULL
                    """,
                arguments: [date, Data(receipt), Data(signature), sequence])
            guard db.changesCount == 1 else { return false }
            try db.execute(
                sql:
                    "UPDATE application SET state = 'delivered', updated_at = ? WHERE batch_sequence = ? AND state = 'batched'",
                arguments: [date, sequence])
            return true
        }
    }

    /// Deletes the answers (the personal data) of applications delivered at or before `cutoff`,
    /// keeping reference, state, batch sequence and dates; then checkpoints the WAL (TRUNCATE)
    /// so no copy of the deleted pages stays in it. Returns how many were purged.
    @discardableResult
    public func purgeDelivered(deliveredAtOrBefore cutoff: Date, at date: Date) throws -> Int {
        let purged = try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE application SET answers = NULL, purged_at = ?
                    WHERE state = 'delivered' AND purged_at IS NULL AND batch_sequence IN
                        (SELECT sequence FROM batch WHERE delivered_at IS NOT NULL AND delivered_at <= ?)
                    """,
                arguments: [date, cutoff])
            return db.changesCount
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

extension AppDatabase {
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
    public func uploadSummary() throws -> UploadSummary {
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
                    WHERE outcome IN ('delivered', 'nothing-to-do') ORDER BY id DESC LIMIT 1
                    """)
            let failure = try Row.fetchOne(
                db, sql: "SELECT finished_at, error FROM upload_run WHERE error IS NOT NULL ORDER BY id DESC LIMIT 1")
            let approved = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application WHERE state = 'approved'") ?? 0
            return UploadSummary(
                outboxBatches: outbox?["n"] ?? 0, outboxApplications: outbox?["records"] ?? 0,
                approvedWaiting: approved, lastSuccessAt: success?["finished_at"], lastErrorAt: failure?["finished_at"],
                lastError: failure?["error"])
        }
    }
}
