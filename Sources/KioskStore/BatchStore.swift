import Foundation
import GRDB
import KioskCore

/// Sealed batches: approved applications sealed under the next sequence, what headquarters'
/// sealing key is, and the plaintext a kiosk still holds after sealing.
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
    ///
    /// With `forgetAnswers`, the same transaction deletes the applications' answers and the
    /// personal data of their review history (`forgetPersonalData`): `seal` must have made the
    /// sealed batch durable on disk before it returns, so the applications are always in one
    /// place or the other.
    public func seal(
        limit: Int, at date: Date, forgetAnswers: Bool = false,
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
            if forgetAnswers {
                try AppDatabase.forgetPersonalData(db, of: "batch_sequence = ?", [sequence], at: date)
            }
            return try Self.batchRow(db, sequence: sequence)
        }
    }

}

// MARK: - Plaintext after sealing

extension BatchStore {
    /// Deletes the answers of applications sealed into batches made at or before `cutoff`
    /// (`keep_plaintext_days` after sealing), as `forgetPersonalData` does. Returns how many.
    @discardableResult
    public func forgetAnswers(sealedAtOrBefore cutoff: Date, at date: Date) throws -> Int {
        try writer.write { db in
            try AppDatabase.forgetPersonalData(
                db, of: "batch_sequence IN (SELECT sequence FROM batch WHERE created_at <= ?)", [cutoff], at: date)
        }
    }

    /// Sealed (or delivered) applications that still hold their answers on this kiosk.
    public func plaintextHeld() throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM application WHERE batch_sequence IS NOT NULL AND purged_at IS NULL") ?? 0
        }
    }
}

// MARK: - Headquarters' sealing key

/// How the sealing key of a new batch relates to the keys used before.
public enum SealingKeyUse: Sendable, Equatable {
    /// The first sealing key this kiosk uses.
    case first
    /// The key the batches were sealed to so far.
    case same
    /// Another key, which an operator confirmed: the batches were sealed to `previous` so far.
    case changed(previous: String)
}

extension BatchStore {
    /// Checks that `fingerprint` is the sealing key in use, and records it: the first key is
    /// taken, and another key only when `confirmed` is that same fingerprint (an operator's
    /// `--accept-sealing-key`). A silently swapped key is refused with `.sealingKeyChanged`.
    public func useSealingKey(_ fingerprint: String, confirmed: String?, at date: Date) throws -> SealingKeyUse {
        try writer.write { db in
            let current = try String.fetchOne(db, sql: "SELECT fingerprint FROM sealing_key ORDER BY id DESC LIMIT 1")
            switch current {
            case nil:
                try db.execute(
                    sql: "INSERT INTO sealing_key (fingerprint, first_used_at) VALUES (?, ?)",
                    arguments: [fingerprint, date])
                return .first
            case fingerprint?:
                return .same
            case let previous?:
                guard confirmed == fingerprint else {
                    throw StoreError(
                        .sealingKeyChanged,
                        "headquarters' sealing key changed: the batches so far were sealed to \(previous), the "
                            + "key given is \(fingerprint). If headquarters rotated its key (check with "
                            + "`kiosk-hq keys show`), confirm with --accept-sealing-key \(fingerprint)")
                }
                try db.execute(
                    sql: """
                        INSERT INTO sealing_key (fingerprint, first_used_at, confirmed_by_operator)
                        VALUES (?, ?, 1)
                        """,
                    arguments: [fingerprint, date])
                return .changed(previous: previous)
            }
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
            strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at), answers, catalog_version
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
