import Foundation
import GRDB

// MARK: - Audit log

extension AppDatabase {
    /// Appends one entry to the audit log in a transaction of its own.
    package func appendAudit(_ record: AuditRecord, at date: Date, hasher: AuditHasher) throws {
        try writeRetryingWhenBusy { db in try Self.appendAudit(record, at: date, hasher: hasher, in: db) }
    }

    /// Appends inside the caller's transaction, so a change and its entry commit together.
    ///
    /// The new row links to the newest row's hash. Its id follows the highest id ever
    /// used (`sqlite_sequence`), so a deleted last row leaves a gap that verification sees.
    static func appendAudit(_ record: AuditRecord, at date: Date, hasher: AuditHasher, in db: Database) throws {
        let at = String.fromDatabaseValue(date.databaseValue) ?? "\(date.timeIntervalSince1970)"
        let previous =
            try String.fetchOne(db, sql: "SELECT sha256 FROM audit_log ORDER BY id DESC LIMIT 1") ?? AuditEntry.genesis
        let id = max(try auditSequence(db), try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit_log") ?? 0) + 1
        let sha256 = hasher.sha256Hex(
            AuditEntry.canonicalBytes(
                previous: previous, at: at, staffID: record.staffID, action: record.action.rawValue,
                reference: record.reference, detail: record.detail))
        try db.execute(
            sql: """
                INSERT INTO audit_log (id, at, staff_id, action, reference, detail, previous_sha256, sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, at, record.staffID, record.action.rawValue, record.reference, record.detail, previous, sha256,
            ])
    }

    /// Calls `body` with every entry in id order, without loading the whole log at once.
    package func forEachAuditEntry(since date: Date? = nil, _ body: (AuditEntry) throws -> Void) throws {
        try writer.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, at, staff_id, action, reference, detail, previous_sha256, sha256 FROM audit_log
                    WHERE ? IS NULL OR at >= ? ORDER BY id
                    """, arguments: [date, date])
            while let row = try cursor.next() {
                try body(
                    AuditEntry(
                        id: row["id"], at: row["at"], staffID: row["staff_id"], action: row["action"],
                        reference: row["reference"], detail: row["detail"], previousSHA256: row["previous_sha256"],
                        sha256: row["sha256"]))
            }
        }
    }

    /// The highest audit id ever handed out, which is more than the last row's id when the
    /// newest rows were deleted.
    package func auditSequence() throws -> Int64 {
        try writer.read { db in try Self.auditSequence(db) }
    }

    private static func auditSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") ?? 0
    }
}

// MARK: - Busy database

extension AppDatabase {
    /// A write transaction, tried again when another process kept the database locked past
    /// the busy timeout, so that a busy database does not reach a person as an error.
    func writeRetryingWhenBusy<T>(attempts: Int = 4, _ updates: (Database) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try writer.write(updates)
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < attempts
            {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.1 * Double(attempt))
            }
        }
    }
}
