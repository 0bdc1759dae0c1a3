import GRDB
import KioskBatch

/// Adapts a GRDB row cursor to `ApplicationCursor`.
struct RowApplicationCursor: ApplicationCursor {
    let rows: RowCursor

    init(_ rows: RowCursor) {
        self.rows = rows
    }

    /// Reads columns by position (the order of `exportSelect`): this runs 100,000 times a batch.
    mutating func next() throws -> BatchRecord? {
        guard let row = try rows.next() else { return nil }
        // Optional reads: a damaged row must become an error naming its reference only, never
        // a crash whose message would print the row (personal data) to the journal.
        let reference = String.fromDatabaseValue(row[0])
        guard let reference, let formID = String.fromDatabaseValue(row[1]),
            let formVersion = Int.fromDatabaseValue(row[2]), let formSHA256 = String.fromDatabaseValue(row[3]),
            let consentVersion = String.fromDatabaseValue(row[4]), let language = String.fromDatabaseValue(row[5]),
            let submittedAt = String.fromDatabaseValue(row[6]), let answers = String.fromDatabaseValue(row[7]),
            let catalogVersion = Int.fromDatabaseValue(row[8])
        else {
            throw StoreError(
                .unavailable,
                "application \(reference ?? "(no reference)") cannot be exported: a column is missing or unreadable")
        }
        return BatchRecord(
            reference: reference, formID: formID, formVersion: formVersion, formSHA256: formSHA256,
            consentVersion: consentVersion, language: language, submittedAt: submittedAt, answersJSON: answers,
            catalogVersion: catalogVersion)
    }
}
