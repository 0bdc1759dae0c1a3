import Foundation
import GRDB
import KioskCore
import KioskSQLite

/// The review console's reads (lists, search, history, statistics, the outbox) and its
/// decisions and edits, each written with its history and audit entries in one transaction.
package struct ReviewStore: Sendable {
    let writer: any DatabaseWriter
}

// MARK: - Reads

extension ReviewStore {
    /// A page of applications, newest first, optionally only in some states.
    package func list(states: [ApplicationState]?, limit: Int, offset: Int) throws -> ReviewListPage {
        try writer.read { db in
            let filter = states.map { "WHERE state IN (\(databaseQuestionMarks(count: $0.count)))" } ?? ""
            let stateArguments = StatementArguments(states ?? [])
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application \(filter)", arguments: stateArguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    \(Self.listSelect) \(filter) ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?
                    """, arguments: stateArguments + [limit, offset])
            return ReviewListPage(items: rows.map(Self.listItem), total: total)
        }
    }

    /// For each of `references`, the other applications still held (not purged) with the same
    /// national number (RNOKPP or Lithuanian personal code), oldest first: the same person
    /// applying twice. References without such a twin are left out.
    package func sameNationalNumber(as references: [String]) throws -> [String: [ReviewTwin]] {
        guard !references.isEmpty else { return [:] }
        return try writer.read { db in
            var twins: [String: [ReviewTwin]] = [:]
            // In chunks, to stay far below SQLite's limit on bound parameters.
            for start in stride(from: 0, to: references.count, by: 500) {
                let chunk = Array(references[start..<min(start + 500, references.count)])
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.reference AS reference, b.reference AS twin, b.state AS state
                        FROM application a JOIN application b INDEXED BY application_on_national_number
                            ON \(AppDatabase.nationalNumber("b")) = \(AppDatabase.nationalNumber("a"))
                            AND b.purged_at IS NULL AND b.id <> a.id
                        WHERE a.purged_at IS NULL AND a.reference IN (\(databaseQuestionMarks(count: chunk.count)))
                        ORDER BY b.submitted_at, b.id
                        """, arguments: StatementArguments(chunk))
                for row in rows {
                    twins[row["reference"], default: []].append(
                        ReviewTwin(
                            reference: row["twin"], state: ApplicationState(rawValue: row["state"]) ?? .submitted))
                }
            }
            return twins
        }
    }

    /// An application's review history, oldest first.
    package func history(applicationID: Int64) throws -> [ReviewEvent] {
        try writer.read { db in
            try ReviewEvent.filter(ReviewEvent.Columns.applicationID == applicationID).order(Column("id")).fetchAll(db)
        }
    }

    /// Totals by state, and what happened since `todayStart` and `windowStart`.
    package func statistics(windowStart: Date, todayStart: Date) throws -> ReviewStatistics {
        try writer.read { db in
            let totals = try ApplicationStore.countsByState(db)
            let recent = try ApplicationStore.countsByState(db, submittedSince: todayStart)
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

    /// Batches waiting, delivered, and the error of the last upload run if it failed.
    package func outbox() throws -> ReviewOutboxSummary {
        let waiting = try BatchStore(writer: writer).undelivered()
        return try writer.read { db in
            let delivered = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, MAX(delivered_at) AS last FROM batch WHERE delivered_at IS NOT NULL")
            let approved = try ApplicationStore.count(db, in: .approved)
            return ReviewOutboxSummary(
                waiting: waiting, deliveredBatches: delivered?["n"] ?? 0, lastDeliveredAt: delivered?["last"],
                approvedNotBatched: approved, lastError: try DeliveryStore.newestRunError(db))
        }
    }

    private static let listSelect = """
        SELECT reference, state, submitted_at, purged_at,
            json_extract(answers, '$.surname') AS surname, json_extract(answers, '$.given_name') AS given_name
        FROM application
        """

    static func listItem(_ row: Row) -> ReviewListItem {
        ReviewListItem(
            reference: row["reference"], state: ApplicationState(rawValue: row["state"]) ?? .submitted,
            submittedAt: row["submitted_at"], surname: row["surname"], givenName: row["given_name"],
            purgedAt: row["purged_at"])
    }
}

// MARK: - Writes

extension ReviewStore {
    /// Applies a decision, note or edit if the application is still as the caller saw it,
    /// with its history and audit entries, in one transaction.
    package func apply(_ change: ReviewChange, at date: Date, hasher: AuditHasher) throws -> ReviewOutcome {
        try writer.writeRetryingWhenBusy { db in try Self.apply(change, at: date, hasher: hasher, in: db) }
    }

    /// `apply` inside a caller's transaction.
    static func apply(
        _ change: ReviewChange, at date: Date, hasher: AuditHasher, in db: Database
    ) throws -> ReviewOutcome {
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
        try AuditStore.append(change.audit, at: date, hasher: hasher, in: db)
        return .applied(application)
    }

    /// How a review change came out.
    package enum ReviewOutcome: Sendable, Equatable {
        case applied(StoredApplication)
        case notFound
        /// Someone changed the application since it was read (state now as given); nothing was written.
        case changedMeanwhile(ApplicationState)
    }
}
