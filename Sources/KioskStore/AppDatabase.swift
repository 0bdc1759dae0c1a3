import Foundation
import GRDB
import KioskCore

/// The kiosk's SQLite database: the one type that owns the connection pool, the schema
/// and every read and write.
///
/// WAL with `synchronous=FULL`, so a method that returned has committed durably; foreign
/// keys on; `secure_delete` so purged personal data is overwritten; a busy timeout so the
/// kiosk, the review console and the uploader can share the file.
public final class AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`, after checking an existing file.
    ///
    /// An existing file that fails `PRAGMA integrity_check`, is not a database, or lost its
    /// `-wal` journal is refused with
    /// `StoreError.damaged` before anything writes to it.
    public static func open(at path: String, busyTimeout: TimeInterval = 10) throws(StoreError) -> AppDatabase {
        if FileManager.default.fileExists(atPath: path) {
            try checkExisting(at: path)
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration(busyTimeout: busyTimeout))
            try requireFullSync(pool)
            return try AppDatabase(pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw storeError(error)
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        return config
    }

    /// Sets `synchronous=FULL` on the pool's writer and reads it back, or throws.
    ///
    /// It cannot go in `prepareDatabase`: `DatabasePool` runs that first and then switches
    /// its writer to WAL with `synchronous=NORMAL` (GRDB `Database.setUpWALMode`), under
    /// which a commit is not synced until the next checkpoint. With FULL every commit syncs
    /// the `-wal` before it returns, so a reference shown to an applicant survives a power cut.
    /// The writer is the only connection that commits, and GRDB never reopens it.
    static func requireFullSync(_ pool: DatabasePool) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else {
            throw StoreError(
                .unavailable, "SQLite kept synchronous=\(level.map(String.init) ?? "?") instead of FULL (2)")
        }
    }

    /// Checks an existing file on a connection that cannot write, so a damaged file is never written.
    ///
    /// `PRAGMA integrity_check` (not only `quick_check`) so that a damaged index, such as the
    /// one that keeps reference numbers unique, is found too. A `-shm` without its `-wal` means
    /// the database was not closed cleanly and its journal, holding the last commits, is gone:
    /// opening it would silently lose those applications and hand their reference numbers out
    /// again, so it is refused.
    private static func checkExisting(at path: String) throws(StoreError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path + "-shm") && !manager.fileExists(atPath: path + "-wal") {
            throw StoreError(
                .damaged,
                "\((path as NSString).lastPathComponent)-wal is missing although the database was not closed cleanly (its -shm is there); the last commits may be lost"
            )
        }
        // `query_only`, not a read-only open: SQLite skips CHECK constraints in an integrity
        // check on a read-only connection, and query_only refuses every write just the same.
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let result = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            try queue.close()
            if result != ["ok"] {
                throw StoreError(.damaged, "integrity_check: " + result.prefix(3).joined(separator: "; "))
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw storeError(error)
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    private static func storeError(_ error: DatabaseError) -> StoreError {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            StoreError(.damaged, error.message ?? "\(error.resultCode)")
        default:
            StoreError(.unavailable, error.message ?? "\(error.resultCode)")
        }
    }
}

// MARK: - Schema

extension AppDatabase {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-applications") { db in
            let states = ApplicationState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            try db.create(table: "batch") { t in
                t.primaryKey("sequence", .integer)
                t.column("created_at", .datetime).notNull()
                t.column("manifest_sha256", .text).notNull().unique()
                t.column("record_count", .integer).notNull()
                t.column("records_size", .integer).notNull()
                // The signed manifest bytes and signature, so the tar can be rebuilt after a crash.
                t.column("manifest", .blob).notNull()
                t.column("signature", .blob).notNull()
                t.column("delivered_at", .datetime)
                t.column("receipt", .blob)
            }
            try db.create(table: "application") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reference", .text).notNull().unique()
                t.column("center", .text).notNull()
                t.column("year", .integer).notNull()
                t.column("serial", .integer).notNull()
                t.column("form_id", .text).notNull()
                t.column("form_version", .integer).notNull()
                t.column("form_sha256", .text).notNull()
                t.column("consent_version", .text).notNull()
                t.column("language", .text).notNull()
                t.column("state", .text).notNull().defaults(to: ApplicationState.submitted.rawValue)
                    .check(sql: "state IN (\(states))")
                t.column("answers", .jsonText).check(sql: "answers IS NULL OR json_valid(answers)")
                t.column("submitted_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
                t.column("batch_sequence", .integer).references("batch", onDelete: .restrict)
                t.column("purged_at", .datetime)
                t.uniqueKey(["center", "year", "serial"])
            }
            try db.create(index: "application_on_state", on: "application", columns: ["state", "submitted_at"])
            // Review decisions and edits (filled by the review console).
            try db.create(table: "review_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("application_id", .integer).notNull().references("application", onDelete: .cascade)
                t.column("at", .datetime).notNull()
                t.column("staff_id", .text).notNull()
                t.column("action", .text).notNull()
                t.column("field", .text)
                t.column("note", .text)
            }
            // Staff actions, each row chained to the previous one by its hash.
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("staff_id", .text)
                t.column("action", .text).notNull()
                t.column("reference", .text)
                t.column("previous_sha256", .text).notNull()
                t.column("sha256", .text).notNull()
            }
        }
        migrator.registerMigration("v2-staff-review-audit") { db in try migrateStaffReviewAudit(db) }
        migrator.registerMigration("v3-delivery") { db in try migrateDelivery(db) }
        // Later migrations: register them here, in order, one line each.
        return migrator
    }
}

// MARK: - Writes

extension AppDatabase {
    /// Stores a confirmed application in one transaction and returns it with its new reference.
    ///
    /// The serial is the next free one for the center and year, so references never repeat.
    /// When this returns, the commit is on disk (`synchronous=FULL`).
    public func submit(
        _ draft: ApplicationDraft, formSHA256: String, center: String, year: Int, at date: Date
    ) throws -> StoredApplication {
        let answers = try String(decoding: Self.answersEncoder.encode(draft.answers), as: UTF8.self)
        return try writer.write { db in
            let last =
                try Int.fetchOne(
                    db, sql: "SELECT MAX(serial) FROM application WHERE center = ? AND year = ?",
                    arguments: [center, year]) ?? 0
            guard last < 999_999 else { throw StoreError(.sequenceExhausted, "\(center) \(year)") }
            let reference = ReferenceNumber(center: center, year: year, serial: last + 1)
            var application = StoredApplication(
                id: nil, reference: reference.description, center: center, year: year, serial: last + 1,
                formID: draft.formID, formVersion: draft.formVersion, formSHA256: formSHA256,
                consentVersion: draft.consentVersion, language: draft.language.rawValue, state: .submitted,
                answersJSON: answers, submittedAt: date, updatedAt: date, batchSequence: nil, purgedAt: nil)
            try application.insert(db)
            return application
        }
    }

    /// Sorted keys, so the same answers always store as the same bytes.
    static let answersEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

// MARK: - Reads

extension AppDatabase {
    public func application(reference: String) throws -> StoredApplication? {
        try writer.read { db in
            try StoredApplication.filter(StoredApplication.Columns.reference == reference).fetchOne(db)
        }
    }

    /// How many applications are in each state (every state present, zero when none).
    public func countsByState() throws -> [ApplicationState: Int] {
        try writer.read { db in
            var counts = Dictionary(uniqueKeysWithValues: ApplicationState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM application GROUP BY state") {
                if let state = ApplicationState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// `"ok"`, or the first problems `PRAGMA quick_check` reports.
    public func quickCheck() throws -> String {
        try writer.read { db in
            let result = try String.fetchAll(db, sql: "PRAGMA quick_check")
            return result == ["ok"] ? "ok" : result.prefix(3).joined(separator: "; ")
        }
    }
}
