import Foundation
import GRDB
import KioskCore

// MARK: - Schema: staff, review history, audit chain

extension AppDatabase {
    /// Migration `v2-staff-review-audit`: staff accounts, edits with old and new values in
    /// the review history, and a non-personal detail on audit entries, which become append-only.
    static func migrateStaffReviewAudit(_ db: Database) throws {
        let roles = StaffRole.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.create(table: "staff") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("role", .text).notNull().check(sql: "role IN (\(roles))")
            t.column("password_hash", .text).notNull()
            t.column("created_at", .datetime).notNull()
            t.column("password_changed_at", .datetime).notNull()
            t.column("disabled_at", .datetime)
            t.column("failed_logins", .integer).notNull().defaults(to: 0)
            t.column("last_failed_at", .datetime)
            t.column("locked_at", .datetime)
            t.column("last_login_at", .datetime)
        }
        try db.alter(table: "review_event") { t in
            // JSON of the AnswerValue before and after an edit; null when there was none.
            t.add(column: "old_value", .jsonText)
            t.add(column: "new_value", .jsonText)
            t.add(column: "from_state", .text)
            t.add(column: "to_state", .text)
        }
        try db.create(index: "review_event_on_application", on: "review_event", columns: ["application_id", "id"])
        try db.create(index: "review_event_on_at", on: "review_event", columns: ["at"])
        try db.alter(table: "audit_log") { t in
            t.add(column: "detail", .text)
        }
        try db.create(index: "audit_log_on_at", on: "audit_log", columns: ["at"])
        // Append-only against slips; a determined editor can drop these, and then the hash
        // chain is what tells (`kiosk audit verify`).
        // Purging an application's personal data also clears it from its history: old and
        // new values of edits, and notes and reasons, which staff may have written names into.
        try db.execute(
            sql: """
                CREATE TRIGGER application_purge_review_history AFTER UPDATE OF answers ON application
                WHEN NEW.answers IS NULL AND OLD.answers IS NOT NULL
                BEGIN
                    UPDATE review_event SET old_value = NULL, new_value = NULL, note = NULL
                    WHERE application_id = NEW.id;
                END
                """)
        for event in ["UPDATE", "DELETE"] {
            try db.execute(
                sql: """
                    CREATE TRIGGER audit_log_no_\(event.lowercased()) BEFORE \(event) ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                    """)
        }
    }
}

// MARK: - Review: reads

extension AppDatabase {
    /// A page of applications, newest first, optionally only in some states.
    package func reviewList(states: [ApplicationState]?, limit: Int, offset: Int) throws -> ReviewListPage {
        try writer.read { db in
            let filter =
                states.map { "WHERE state IN (\($0.map { "'\($0.rawValue)'" }.joined(separator: ", ")))" } ?? ""
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application \(filter)") ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    \(Self.listSelect) \(filter) ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?
                    """, arguments: [limit, offset])
            return ReviewListPage(items: rows.map(Self.listItem), total: total)
        }
    }

    /// Every application with the identifiers staff search by (reference, surname, national
    /// number), newest first; matching is left to the caller, which folds case in any script.
    package func reviewSearchRows() throws -> [ReviewSearchRow] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT reference, state, submitted_at, purged_at,
                        json_extract(answers, '$.surname') AS surname,
                        json_extract(answers, '$.given_name') AS given_name,
                        json_extract(answers, '$.rnokpp') AS rnokpp,
                        json_extract(answers, '$.personal_code') AS personal_code
                    FROM application ORDER BY submitted_at DESC, id DESC
                    """
            ).map { row in
                ReviewSearchRow(
                    item: Self.listItem(row),
                    nationalNumbers: [row["rnokpp"] as String?, row["personal_code"] as String?].compactMap { $0 })
            }
        }
    }

    /// An application's review history, oldest first.
    package func reviewHistory(applicationID: Int64) throws -> [ReviewEvent] {
        try writer.read { db in
            try ReviewEvent.filter(ReviewEvent.Columns.applicationID == applicationID).order(Column("id")).fetchAll(db)
        }
    }

    /// Totals by state, and what happened since `todayStart` and `windowStart`.
    package func reviewStatistics(windowStart: Date, todayStart: Date) throws -> ReviewStatistics {
        try writer.read { db in
            var totals = Dictionary(uniqueKeysWithValues: ApplicationState.allCases.map { ($0, 0) })
            var recent = totals
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM application GROUP BY state") {
                if let state = ApplicationState(rawValue: row["state"]) { totals[state] = row["n"] }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM application WHERE submitted_at >= ? GROUP BY state",
                arguments: [todayStart])
            {
                if let state = ApplicationState(rawValue: row["state"]) { recent[state] = row["n"] }
            }
            let submissions = try Date.fetchAll(
                db, sql: "SELECT submitted_at FROM application WHERE submitted_at >= ?", arguments: [windowStart])
            var decisions: [ReviewAction: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT action, COUNT(*) AS n FROM review_event WHERE at >= ? GROUP BY action",
                arguments: [todayStart])
            {
                if let action = ReviewAction(rawValue: row["action"]) { decisions[action] = row["n"] }
            }
            return ReviewStatistics(
                totals: totals, recentByState: recent, submissions: submissions, recentDecisions: decisions)
        }
    }

    /// Batches waiting, delivered, and the uploader's last error where its tables keep one.
    package func reviewOutbox() throws -> ReviewOutboxSummary {
        let waiting = try undeliveredBatches()
        return try writer.read { db in
            let delivered = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, MAX(delivered_at) AS last FROM batch WHERE delivered_at IS NOT NULL")
            let approved =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application WHERE state = 'approved'") ?? 0
            return ReviewOutboxSummary(
                waiting: waiting, deliveredBatches: delivered?["n"] ?? 0, lastDeliveredAt: delivered?["last"],
                approvedNotBatched: approved, lastError: try Self.lastUploadError(db))
        }
    }

    /// The error of the newest row of the batch table or of a table whose name mentions
    /// uploads (`upload_run`), whichever keeps one first; nil when the newest has none.
    private static func lastUploadError(_ db: Database) throws -> String? {
        let tables =
            ["batch"]
            + (try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%upload%' ORDER BY name"))
        for table in tables {
            let columns = try db.columns(in: table).map(\.name)
            guard let column = ["last_error", "error", "error_message"].first(where: columns.contains) else { continue }
            // The newest row's error: once a later run succeeded, the old error is history.
            if let text = try String.fetchOne(
                db,
                sql: """
                    SELECT \(column.quotedDatabaseIdentifier) FROM \(table.quotedDatabaseIdentifier)
                    ORDER BY rowid DESC LIMIT 1
                    """)
            {
                return text
            }
        }
        return nil
    }

    private static let listSelect = """
        SELECT reference, state, submitted_at, purged_at,
            json_extract(answers, '$.surname') AS surname, json_extract(answers, '$.given_name') AS given_name
        FROM application
        """

    private static func listItem(_ row: Row) -> ReviewListItem {
        ReviewListItem(
            reference: row["reference"], state: ApplicationState(rawValue: row["state"]) ?? .submitted,
            submittedAt: row["submitted_at"], surname: row["surname"], givenName: row["given_name"],
            purgedAt: row["purged_at"])
    }
}

// MARK: - Review: writes

extension AppDatabase {
    /// Applies a decision, note or edit if the application is still as the caller saw it,
    /// with its history and audit entries, in one transaction.
    package func applyReview(_ change: ReviewChange, at date: Date, hasher: AuditHasher) throws -> ReviewOutcome {
        try writeRetryingWhenBusy { db in
            guard
                var application = try StoredApplication.filter(StoredApplication.Columns.reference == change.reference)
                    .fetchOne(db), let id = application.id
            else { return .notFound }
            guard application.state == change.expectedState, application.answersJSON == change.expectedAnswersJSON
            else { return .changedMeanwhile(application.state) }
            application.state = change.newState
            if let answers = change.newAnswersJSON { application.answersJSON = answers }
            application.updatedAt = date
            try application.update(db)
            for draft in change.events {
                var event = draft
                event.applicationID = id
                event.at = date
                try event.insert(db)
            }
            try Self.appendAudit(change.audit, at: date, hasher: hasher, in: db)
            return .applied(application)
        }
    }

    /// How a review change came out.
    package enum ReviewOutcome: Sendable, Equatable {
        case applied(StoredApplication)
        case notFound
        /// Someone changed the application since it was read (state now as given); nothing was written.
        case changedMeanwhile(ApplicationState)
    }
}

/// A change to one application, prepared from the state and answers the caller read.
package struct ReviewChange: Sendable {
    package let reference: String
    package let expectedState: ApplicationState
    package let expectedAnswersJSON: String?
    package let newState: ApplicationState
    /// The new answers (canonical JSON); nil keeps them.
    package let newAnswersJSON: String?
    /// History entries; their application id and time are filled in when written.
    package let events: [ReviewEvent]
    package let audit: AuditRecord

    package init(
        reference: String, expectedState: ApplicationState, expectedAnswersJSON: String?, newState: ApplicationState,
        newAnswersJSON: String? = nil, events: [ReviewEvent], audit: AuditRecord
    ) {
        self.reference = reference
        self.expectedState = expectedState
        self.expectedAnswersJSON = expectedAnswersJSON
        self.newState = newState
        self.newAnswersJSON = newAnswersJSON
        self.events = events
        self.audit = audit
    }
}

extension AppDatabase {
    /// Answers as the store keeps them (sorted keys), so an edited application stores the
    /// same way as one the kiosk submitted.
    package static func encodeAnswers(_ answers: [String: AnswerValue]) throws -> String {
        String(decoding: try answersEncoder.encode(answers), as: UTF8.self)
    }
}
