import Foundation
import GRDB
import KioskCore
import KioskSQLite

/// Applications as the attend loop stores them and `kiosk status` counts them.
public struct ApplicationStore: Sendable {
    let writer: any DatabaseWriter

    /// Sorted keys, so the same answers always store as the same bytes.
    static let answersEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Answers as the store keeps them (sorted keys), so an edited application stores the
    /// same way as one the kiosk submitted.
    package static func encodeAnswers(_ answers: [String: AnswerValue]) throws -> String {
        String(decoding: try answersEncoder.encode(answers), as: UTF8.self)
    }
}

// MARK: - Writes

extension ApplicationStore {
    /// Stores a confirmed application in one transaction and returns it with its new reference.
    ///
    /// The serial is the next free one for the center and year, so references never repeat.
    /// When this returns, the commit is on disk (`synchronous=FULL` on the writer).
    public func submit(
        _ draft: ApplicationDraft, formSHA256: String, center: String, year: Int, at date: Date,
        catalogVersion: Int = 0
    ) throws -> StoredApplication {
        let answers = try Self.encodeAnswers(draft.answers)
        return try writer.write { db in
            try Self.submit(
                draft, answers: answers, formSHA256: formSHA256, center: center, year: year, at: date,
                catalogVersion: catalogVersion, in: db)
        }
    }

    /// `submit` inside a caller's transaction, with the answers already encoded.
    static func submit(
        _ draft: ApplicationDraft, answers: String, formSHA256: String, center: String, year: Int, at date: Date,
        catalogVersion: Int, in db: Database
    ) throws -> StoredApplication {
        let last =
            try StoredApplication
            .filter(StoredApplication.Columns.center == center && StoredApplication.Columns.year == year)
            .select(max(StoredApplication.Columns.serial), as: Int.self)
            .fetchOne(db) ?? 0
        guard last < 999_999 else { throw StoreError(.sequenceExhausted, "\(center) \(year)") }
        let reference = ReferenceNumber(center: center, year: year, serial: last + 1)
        var application = StoredApplication(
            id: nil, reference: reference.description, center: center, year: year, serial: last + 1,
            formID: draft.formID, formVersion: draft.formVersion, formSHA256: formSHA256,
            consentVersion: draft.consentVersion, language: draft.language.rawValue, state: .submitted,
            answersJSON: answers, submittedAt: date, updatedAt: date, batchSequence: nil, purgedAt: nil,
            catalogVersion: catalogVersion)
        try application.insert(db)
        return application
    }
}

// MARK: - Reads

extension ApplicationStore {
    /// The application with this reference, or nil.
    ///
    /// A row that cannot be read (a value of the wrong kind, put there by hand) is a
    /// `.malformedRow` error naming the reference and the column, never the value.
    public func find(reference: String) throws -> StoredApplication? {
        try writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db, StoredApplication.filter(StoredApplication.Columns.reference == reference))
            else { return nil }
            do {
                return try StoredApplication(row: row)
            } catch {
                let column = StoredApplication.unreadableColumn(in: row).map { "column \($0)" } ?? "a column"
                throw StoreError(
                    .malformedRow,
                    "application \(reference) cannot be read: its \(column) holds a value of the wrong kind")
            }
        }
    }

    /// How many applications are in each state (every state present, zero when none).
    public func countsByState() throws -> [ApplicationState: Int] {
        try writer.read { db in try Self.countsByState(db) }
    }

    /// All applications by state from the counters the schema keeps (`v7-status-counters`),
    /// in the same time at any size; those submitted since a date by counting them.
    static func countsByState(_ db: Database, submittedSince: Date? = nil) throws -> [ApplicationState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: ApplicationState.allCases.map { ($0, 0) })
        let rows =
            if let submittedSince {
                try Row.fetchAll(
                    db,
                    sql: "SELECT state, COUNT(*) AS n FROM application WHERE submitted_at >= ? GROUP BY state",
                    arguments: [submittedSince])
            } else {
                try Row.fetchAll(db, sql: "SELECT state, n FROM application_count")
            }
        for row in rows {
            if let state = ApplicationState.fromDatabaseValue(row["state"]) { counts[state] = row["n"] }
        }
        return counts
    }

    /// How many applications are in `state`.
    static func count(_ db: Database, in state: ApplicationState) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT n FROM application_count WHERE state = ?", arguments: [state]) ?? 0
    }

    /// SQLite's `quick_check` of the file as it is now.
    package func quickCheck() throws -> IntegrityResult {
        try writer.read { db in try IntegrityResult.check(db, .quick) }
    }
}
