import Foundation
import GRDB
import KioskCore

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
        migrator.registerMigration("v4-national-number-index") { db in
            // The applicant's national number (RNOKPP or Lithuanian personal code), so the review
            // console finds another application of the same person without reading every row.
            try db.execute(
                sql:
                    "CREATE INDEX application_on_national_number ON application(\(nationalNumber(""))) WHERE purged_at IS NULL"
            )
        }
        // Sealing looks up each application's approval in the audit chain by reference.
        migrator.registerMigration("v4-audit-on-reference") { db in
            try db.create(index: "audit_log_on_reference", on: "audit_log", columns: ["reference", "id"])
        }
        // Headquarters' sealing keys the batches were sealed to: the last row is the one in use;
        // another key is taken only when an operator confirms it (key rotation, not a swap).
        migrator.registerMigration("v5-sealing-key") { db in
            try db.create(table: "sealing_key") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("fingerprint", .text).notNull()
                t.column("first_used_at", .datetime).notNull()
                t.column("confirmed_by_operator", .boolean).notNull().defaults(to: false)
            }
        }
        // The unit catalog version each application was filled with (0: the kiosk's own units.json,
        // which is what every earlier application was offered).
        migrator.registerMigration("v6-catalog-version") { db in
            try db.alter(table: "application") { t in
                t.add(column: "catalog_version", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v7-status-counters") { db in try migrateStatusCounters(db) }
        migrator.registerMigration("v8-search-keys") { db in try migrateSearchKeys(db) }
        // Later migrations: register them here, in order, one line each.
        return migrator
    }
}

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

// MARK: - Schema: national number

extension AppDatabase {
    /// The SQL expression for an application's national number (RNOKPP or Lithuanian personal
    /// code); queries must spell it exactly so, with their table's `alias`, for SQLite to use the index.
    static func nationalNumber(_ alias: String) -> String {
        let prefix = alias.isEmpty ? "" : alias + "."
        return "coalesce(json_extract(\(prefix)answers, '$.rnokpp'), json_extract(\(prefix)answers, '$.personal_code'))"
    }
}

// MARK: - Schema: delivery

extension AppDatabase {
    /// The receipt's signature beside the receipt, and a log of upload runs for `kiosk status`.
    static func migrateDelivery(_ db: Database) throws {
        try db.alter(table: "batch") { t in
            t.add(column: "receipt_signature", .blob)
        }
        try db.create(table: "upload_run") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("started_at", .datetime).notNull()
            t.column("finished_at", .datetime).notNull()
            t.column("outcome", .text).notNull()
            t.column("delivered_batches", .integer).notNull()
            // One line an operator can act on; never personal data.
            t.column("error", .text)
        }
    }
}

// MARK: - Schema: counters for status

extension AppDatabase {
    /// Migration `v7-status-counters`: how many applications are in each state, kept by
    /// triggers on every insert, change of state and delete (whoever writes, the kiosk or a
    /// script), so `kiosk status` reads a handful of rows instead of counting every
    /// application; and an index on the applications that still hold plaintext after sealing.
    static func migrateStatusCounters(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE application_count (
                    state TEXT NOT NULL PRIMARY KEY,
                    n INTEGER NOT NULL CHECK (n >= 0)
                ) WITHOUT ROWID;
                INSERT INTO application_count (state, n) SELECT state, COUNT(*) FROM application GROUP BY state;
                CREATE TRIGGER application_count_insert AFTER INSERT ON application
                BEGIN
                    INSERT INTO application_count (state, n) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER application_count_state AFTER UPDATE OF state ON application
                WHEN OLD.state IS NOT NEW.state
                BEGIN
                    UPDATE application_count SET n = n - 1 WHERE state = OLD.state;
                    INSERT INTO application_count (state, n) VALUES (NEW.state, 1)
                    ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER application_count_delete AFTER DELETE ON application
                BEGIN
                    UPDATE application_count SET n = n - 1 WHERE state = OLD.state;
                END;
                CREATE INDEX application_plaintext_held ON application(batch_sequence)
                    WHERE batch_sequence IS NOT NULL AND purged_at IS NULL;
                """)
    }
}

// MARK: - Schema: search keys

extension AppDatabase {
    /// Migration `v8-search-keys`: what the review console's search looks up by index instead
    /// of reading every application. `surname_key` is the surname folded in Swift
    /// (`ReviewStore.searchKey`), filled here for the applications already stored and, for rows
    /// written later without one, by the next search; it is personal data, so it is cleared
    /// with the answers (`forgetPersonalData`) and whenever the answers change (and then
    /// folded again). Serials are indexed for a search by the six digits of a reference.
    static func migrateSearchKeys(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE application ADD COLUMN surname_key TEXT;
                CREATE INDEX application_on_surname_key ON application(surname_key) WHERE surname_key IS NOT NULL;
                CREATE INDEX application_lacking_surname_key ON application(id)
                    WHERE surname_key IS NULL AND answers IS NOT NULL;
                CREATE INDEX application_on_serial ON application(serial);
                CREATE TRIGGER application_answers_changed AFTER UPDATE OF answers ON application
                WHEN NEW.surname_key IS NOT NULL AND OLD.answers IS NOT NEW.answers
                BEGIN
                    UPDATE application SET surname_key = NULL WHERE id = NEW.id;
                END;
                """)
        try ReviewStore.fillSearchKeys(db)
    }
}
