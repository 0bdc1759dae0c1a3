import Foundation
import GRDB
import KioskCore

// MARK: - Batches

extension AppDatabase {
    /// Seals the next batch in one transaction: up to `limit` approved applications (oldest
    /// first) get the next sequence number, the batch row holds the signed manifest, and the
    /// applications become `batched`. Nil when nothing is approved.
    ///
    /// `seal` receives the sequence, the previous batch's manifest hash and a cursor over the
    /// applications; it must read the cursor to the end. A crash before the commit leaves no
    /// batch; after it, the batch is complete in the database and its tar can be rebuilt.
    public func sealBatch(
        limit: Int, at date: Date,
        seal: (_ sequence: Int, _ previousManifestSHA256: String?, _ applications: inout any ApplicationCursor) throws
            ->
            SealedManifest
    ) throws -> BatchRecordRow? {
        precondition(limit > 0)
        return try writer.write { db in
            let pending = "SELECT id FROM application WHERE state = 'approved' ORDER BY id LIMIT \(limit)"
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (\(pending))") == true else { return nil }
            let last = try Row.fetchOne(
                db, sql: "SELECT sequence, manifest_sha256 FROM batch ORDER BY sequence DESC LIMIT 1")
            let sequence = (last?["sequence"] as Int? ?? 0) + 1
            let previous: String? = last?["manifest_sha256"]
            var cursor: any ApplicationCursor = RowApplicationCursor(
                try Row.fetchCursor(db, sql: "\(Self.exportSelect) WHERE id IN (\(pending)) ORDER BY id"))
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
                    UPDATE application SET state = 'batched', batch_sequence = ?, updated_at = ?
                    WHERE id IN (\(pending))
                    """,
                arguments: [sequence, date])
            guard db.changesCount == sealed.count else {
                throw StoreError(
                    .unavailable, "batch \(sequence) sealed \(sealed.count) records but marked \(db.changesCount)")
            }
            return try Self.batchRow(db, sequence: sequence)
        }
    }

    /// Reads the applications of a sealed batch in record order, to rebuild its file.
    public func readBatchApplications<T>(
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
    public func undeliveredBatches() throws -> [BatchRecordRow] {
        try writer.read { db in
            try Int.fetchAll(db, sql: "SELECT sequence FROM batch WHERE delivered_at IS NULL ORDER BY sequence")
                .map { try Self.batchRow(db, sequence: $0) }
        }
    }

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

/// Adapts a GRDB row cursor to `ApplicationCursor`.
struct RowApplicationCursor: ApplicationCursor {
    let rows: RowCursor

    init(_ rows: RowCursor) {
        self.rows = rows
    }

    /// Reads columns by position (the order of `exportSelect`): this runs 100,000 times a batch.
    mutating func next() throws -> ApplicationExport? {
        guard let row = try rows.next() else { return nil }
        // Optional reads: a damaged row must become an error naming its reference only, never
        // a crash whose message would print the row (personal data) to the journal.
        let reference = String.fromDatabaseValue(row[0])
        guard let reference, let formID = String.fromDatabaseValue(row[1]),
            let formVersion = Int.fromDatabaseValue(row[2]), let formSHA256 = String.fromDatabaseValue(row[3]),
            let consentVersion = String.fromDatabaseValue(row[4]), let language = String.fromDatabaseValue(row[5]),
            let submittedAt = String.fromDatabaseValue(row[6]), let answers = String.fromDatabaseValue(row[7])
        else {
            throw StoreError(
                .unavailable,
                "application \(reference ?? "(no reference)") cannot be exported: a column is missing or unreadable")
        }
        return ApplicationExport(
            reference: reference, formID: formID, formVersion: formVersion, formSHA256: formSHA256,
            consentVersion: consentVersion, language: language, submittedAt: submittedAt, answersJSON: answers)
    }
}
