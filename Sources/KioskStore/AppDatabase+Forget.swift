import Foundation
import GRDB

extension AppDatabase {
    /// Deletes the personal data of the applications that `condition` selects and that still
    /// hold it: their answers and folded surname, and (through a trigger) the old and new values and notes of their
    /// review history.
    /// Reference, state, batch, dates and who did what stay; `purged_at` says when. With
    /// `secure_delete` on, the freed pages are zeroed; the caller checkpoints the WAL.
    /// Returns how many applications were purged.
    ///
    /// The one place that forgets: at sealing (`keep_plaintext_days` 0), after
    /// `keep_plaintext_days`, and after delivery (`retention_days`).
    @discardableResult
    static func forgetPersonalData(
        _ db: Database, of condition: String, _ arguments: StatementArguments, at date: Date
    ) throws -> Int {
        // The trigger application_purge_review_history clears the review history's values and notes.
        try db.execute(
            sql:
                "UPDATE application SET answers = NULL, surname_key = NULL, purged_at = ? WHERE purged_at IS NULL AND (\(condition))",
            arguments: [date] + arguments)
        return db.changesCount
    }
}
