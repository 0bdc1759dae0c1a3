import Foundation
import GRDB
import KioskSQLite

/// The hash-chained log of staff actions: appended in the transaction of the change it
/// records, read in id order for verification.
package struct AuditStore: Sendable {
    let writer: any DatabaseWriter
}

extension AuditStore {
    /// Appends one entry to the audit log in a transaction of its own.
    package func append(_ record: AuditRecord, at date: Date, hasher: AuditHasher) throws {
        try writer.writeRetryingWhenBusy { db in try Self.append(record, at: date, hasher: hasher, in: db) }
    }

    /// Appends inside the caller's transaction, so a change and its entry commit together.
    ///
    /// The new row links to the newest row's hash. Its id follows the highest id ever
    /// used (`sqlite_sequence`), so a deleted last row leaves a gap that verification sees.
    static func append(_ record: AuditRecord, at date: Date, hasher: AuditHasher, in db: Database) throws {
        let at = String.fromDatabaseValue(date.databaseValue) ?? "\(date.timeIntervalSince1970)"
        let previous =
            try String.fetchOne(db, sql: "SELECT sha256 FROM audit_log ORDER BY id DESC LIMIT 1") ?? AuditEntry.genesis
        let id = max(try sequence(db), try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM audit_log") ?? 0) + 1
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
    package func forEachEntry(since date: Date? = nil, _ body: (AuditEntry) throws -> Void) throws {
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

    /// The newest entry's id and hash (the witness a sealed batch carries), or nil when the log is empty.
    package func head() throws -> (id: Int64, sha256: String)? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").map {
                (id: $0["id"], sha256: $0["sha256"])
            }
        }
    }

    /// The highest audit id ever handed out, which is more than the last row's id when the
    /// newest rows were deleted.
    package func sequence() throws -> Int64 {
        try writer.read { db in try Self.sequence(db) }
    }

    private static func sequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") ?? 0
    }
}
