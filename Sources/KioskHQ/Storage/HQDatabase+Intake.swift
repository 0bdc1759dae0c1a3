import Foundation
import GRDB
import KioskBatch
import KioskReceipt

/// A verified batch, ready to be stored.
public struct AcceptedBatchInput: Sendable {
    let center: String
    let contents: BatchContents
    let tarSHA256: String
    let tarSize: Int
    /// The tar's path relative to the data folder (where `SQLiteHQStore` keeps it).
    let file: String
    let receivedAt: String
    let receipt: SignedReceipt
}

/// How the storing transaction ended.
public enum IntakeDecision: Sendable {
    /// Stored and committed.
    case stored
    /// Another request stored this sequence first; here it is.
    case raced(AcceptedBatch)
    /// Since the checks, the chain moved on; this is the sequence it expects now.
    case outOfOrder(expected: Int)
}

extension HQDatabase {
    /// Stores a verified batch and its records in one transaction.
    ///
    /// The order is re-checked inside the transaction (another upload may have been stored
    /// meanwhile). `moveFile` runs last, just before the commit: if it or the commit fails,
    /// nothing is stored and the caller removes the moved file.
    func accept(_ batch: AcceptedBatchInput, moveFile: () throws -> Void) throws -> IntakeDecision {
        let manifest = batch.contents.manifest
        return try writer.write { db -> IntakeDecision in
            if let existing = try Self.batch(db, center: batch.center, sequence: manifest.sequence) {
                return .raced(existing)
            }
            let expected = (try Self.lastBatch(db, center: batch.center)?.sequence ?? 0) + 1
            guard manifest.sequence == expected else { return .outOfOrder(expected: expected) }
            try db.execute(
                sql: """
                    INSERT INTO batch (\(Self.batchColumns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    batch.center, manifest.sequence, Data(batch.contents.manifestBytes), Data(batch.contents.signature),
                    batch.contents.manifestSHA256, manifest.recordsSHA256, manifest.count, batch.tarSHA256,
                    batch.tarSize, batch.file, batch.receivedAt, Data(batch.receipt.bytes),
                    Data(batch.receipt.signature), manifest.audit?.length, manifest.audit?.head,
                ])
            let insert = try db.makeStatement(
                sql: "INSERT INTO record (reference, center, sequence, position) VALUES (?, ?, ?, ?)")
            for (position, reference) in manifest.references.enumerated() {
                do {
                    try insert.execute(arguments: [reference, batch.center, manifest.sequence, position + 1])
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    let earlier =
                        try Int.fetchOne(
                            db, sql: "SELECT sequence FROM record WHERE center = ? AND reference = ?",
                            arguments: [batch.center, reference])
                    // Leaving the closure without throwing would commit: roll back explicitly.
                    throw DuplicateReference(reference: reference, sequence: earlier ?? 0)
                }
            }
            try moveFile()
            return .stored
        }
    }
}

/// Thrown inside the transaction to roll it back; `Intake` answers it with a 409.
struct DuplicateReference: Error {
    let reference: String
    let sequence: Int
}
