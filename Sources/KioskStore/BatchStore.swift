import Foundation
import GRDB
import KioskCore

/// Sealed batches: approved applications sealed under the next sequence, and read back in
/// record order to write (or rebuild) the batch's file.
public struct BatchStore: Sendable {
    let writer: any DatabaseWriter
}

// MARK: - Writes

extension BatchStore {
    /// Seals the next batch in one transaction: up to `limit` approved applications (oldest
    /// first) get the next sequence number, the batch row holds the signed manifest, and the
    /// applications become `batched`. Nil when nothing is approved.
    ///
    /// `seal` receives the sequence, the previous batch's manifest hash and a cursor over the
    /// applications; it must read the cursor to the end. A crash before the commit leaves no
    /// batch; after it, the batch is complete in the database and its tar can be rebuilt.
    public func seal(
        limit: Int, at date: Date,
        seal: (_ sequence: Int, _ previousManifestSHA256: String?, _ applications: inout any ApplicationCursor) throws
            ->
            SealedManifest
    ) throws -> BatchRecordRow? {
        precondition(limit > 0)
        return try writer.write { db in
            let pending = "SELECT id FROM application WHERE state = ? ORDER BY id LIMIT ?"
            let pendingArguments: StatementArguments = [ApplicationState.approved, limit]
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (\(pending))", arguments: pendingArguments) == true
            else { return nil }
            if let forged = try String.fetchOne(
                db, sql: "\(Self.unauditedApproval) AND a.id IN (\(pending)) LIMIT 1", arguments: pendingArguments)
            {
                throw StoreError(
                    .approvalNotAudited,
                    "application \(forged) is approved, but the audit log holds no approval of it by the staff "
                        + "member its history names")
            }
            let last = try Row.fetchOne(
                db, sql: "SELECT sequence, manifest_sha256 FROM batch ORDER BY sequence DESC LIMIT 1")
            let sequence = (last?["sequence"] as Int? ?? 0) + 1
            let previous: String? = last?["manifest_sha256"]
            var cursor: any ApplicationCursor = RowApplicationCursor(
                try Row.fetchCursor(
                    db, sql: "\(Self.exportSelect) WHERE id IN (\(pending)) ORDER BY id", arguments: pendingArguments))
            let sealed = try seal(sequence, previous, &cursor)
            try db.execute(
                sql: """
                    INSERT INTO batch
                        (sequence, created_at, manifest_sha256, record_count, records_size, manifest, signature)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sequence, date, sealed.manifestSHA256, sealed.count, sealed.recordsSize, Data(sealed.manifest),
                    Data(sealed.signature),
                ])
            try db.execute(
                sql: """
                    UPDATE application SET state = ?, batch_sequence = ?, updated_at = ?
                    WHERE id IN (\(pending))
                    """,
                arguments: [ApplicationState.batched, sequence, date] + pendingArguments)
            guard db.changesCount == sealed.count else {
                throw StoreError(
                    .unavailable, "batch \(sequence) sealed \(sealed.count) records but marked \(db.changesCount)")
            }
            return try Self.batchRow(db, sequence: sequence)
        }
    }

}

// MARK: - Approvals in the audit chain

extension BatchStore {
    /// Approved applications whose approval the audit chain does not show: no `approve` entry
    /// for the reference by the staff member of its last `approve` event, with no later
    /// reject, issue or edit entry. `UPDATE application SET state = 'approved'` (or a changed
    /// `review_event.staff_id`) with `sqlite3` passes the chain check but is caught here, so the
    /// center never signs an approval nobody made in the console.
    static let unauditedApproval = """
        SELECT a.reference FROM application a
        WHERE a.state = 'approved' AND NOT EXISTS (
            SELECT 1 FROM audit_log l
            WHERE l.reference = a.reference AND l.action = 'approve'
                AND l.staff_id = (
                    SELECT e.staff_id FROM review_event e
                    WHERE e.application_id = a.id AND e.action = 'approve' ORDER BY e.id DESC LIMIT 1)
                AND NOT EXISTS (
                    SELECT 1 FROM audit_log later
                    WHERE later.reference = a.reference AND later.id > l.id
                        AND later.action IN ('reject', 'issue', 'edit')))
        """
}

// MARK: - Reads

extension BatchStore {
    /// Reads the applications of a sealed batch in record order, to rebuild its file.
    public func readApplications<T>(
        sequence: Int, _ body: (_ applications: inout any ApplicationCursor) throws -> T
    ) throws -> T {
        try writer.read { db in
            var cursor: any ApplicationCursor = RowApplicationCursor(
                try Row.fetchCursor(
                    db, sql: "\(Self.exportSelect) WHERE batch_sequence = ? ORDER BY id", arguments: [sequence]))
            return try body(&cursor)
        }
    }

    /// Every batch not yet delivered, in sequence order.
    public func undelivered() throws -> [BatchRecordRow] {
        try writer.read { db in
            try Int.fetchAll(db, sql: "SELECT sequence FROM batch WHERE delivered_at IS NULL ORDER BY sequence")
                .map { try Self.batchRow(db, sequence: $0) }
        }
    }

    /// The sealed batch `sequence`, or nil.
    public func batch(sequence: Int) throws -> BatchRecordRow? {
        try writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM batch WHERE sequence = ?)", arguments: [sequence])
                == true ? try Self.batchRow(db, sequence: sequence) : nil
        }
    }

    static let exportSelect = """
        SELECT reference, form_id, form_version, form_sha256, consent_version, language,
            strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at), answers
        FROM application
        """

    static func batchRow(_ db: Database, sequence: Int) throws -> BatchRecordRow {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT sequence, created_at, manifest_sha256, record_count, records_size, manifest, signature, delivered_at
                    FROM batch WHERE sequence = ?
                    """, arguments: [sequence])
        else { throw StoreError(.unavailable, "batch \(sequence) is not recorded") }
        return BatchRecordRow(
            sequence: row["sequence"], createdAt: row["created_at"], manifestSHA256: row["manifest_sha256"],
            count: row["record_count"], recordsSize: row["records_size"], manifest: [UInt8](row["manifest"] as Data),
            signature: [UInt8](row["signature"] as Data), deliveredAt: row["delivered_at"])
    }
}
