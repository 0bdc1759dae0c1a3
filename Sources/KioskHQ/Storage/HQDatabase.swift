import Foundation
import GRDB
import KioskCrypto
import KioskSQLite

/// Headquarters' SQLite database: registered centers, accepted batches and their records.
///
/// The one type that owns the connection pool, the schema and every read and write. WAL with
/// `synchronous=FULL`, so a batch whose receipt went out is on disk.
public final class HQDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// Through `SQLiteFile.openPool`, as the kiosk's database: an existing file is checked
    /// (integrity, lost journal) before anything writes, and the writer commits with
    /// `synchronous=FULL`, so a batch whose receipt went out is on disk.
    public static func open(at path: String) throws -> HQDatabase {
        let pool: DatabasePool
        do {
            pool = try SQLiteFile.openPool(at: path)
        } catch {
            let name = (path as NSString).lastPathComponent
            throw HQError(
                error.code == .damaged
                    ? "headquarters' database \(name) is damaged (\(error.detail)); it was not written to. Restore it from a backup"
                    : "headquarters' database \(name) cannot be opened (\(error.detail))")
        }
        return try HQDatabase(pool)
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-intake") { db in
            try db.create(table: "center") { t in
                t.primaryKey("code", .text)
                t.column("public_key", .text).notNull()
                t.column("key_fingerprint", .text).notNull()
                t.column("added_at", .datetime).notNull()
            }
            try db.create(table: "batch") { t in
                t.column("center", .text).notNull().references("center", onDelete: .restrict)
                t.column("sequence", .integer).notNull()
                t.primaryKey(["center", "sequence"])
                t.column("manifest", .blob).notNull()
                t.column("signature", .blob).notNull()
                t.column("manifest_sha256", .text).notNull().unique()
                t.column("records_sha256", .text).notNull()
                t.column("record_count", .integer).notNull()
                // SHA-256 and size of the whole tar body: a resend is recognised by these.
                t.column("tar_sha256", .text).notNull()
                t.column("tar_size", .integer).notNull()
                t.column("file", .text).notNull()
                t.column("received_at", .text).notNull()
                t.column("receipt", .blob).notNull()
                t.column("receipt_signature", .blob).notNull()
            }
            // One row per application received: an application reaches headquarters once.
            try db.create(table: "record") { t in
                t.primaryKey("reference", .text)
                t.column("center", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("position", .integer).notNull()
                t.foreignKey(["center", "sequence"], references: "batch", onDelete: .restrict)
            }
            try db.create(index: "record_on_batch", on: "record", columns: ["center", "sequence"])
        }
        // v1 made a reference unique across all centers, so one center could claim another's
        // (predictable) references first and block that center's chain for good. A reference is
        // now unique within its center; the table is rebuilt because SQLite cannot change a
        // primary key in place. Every v1 row stays (unique overall is unique per center).
        migrator.registerMigration("v2-record-per-center") { db in
            try db.create(table: "record_v2") { t in
                t.column("reference", .text).notNull()
                t.column("center", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("position", .integer).notNull()
                t.primaryKey(["center", "reference"])
                t.foreignKey(["center", "sequence"], references: "batch", onDelete: .restrict)
            }
            try db.execute(
                sql: """
                    INSERT INTO record_v2 (reference, center, sequence, position)
                    SELECT reference, center, sequence, position FROM record
                    """)
            try db.drop(table: "record")
            try db.rename(table: "record_v2", to: "record")
            try db.create(index: "record_on_batch", on: "record", columns: ["center", "sequence"])
        }
        // The witness of each center's audit log: where it stood when the kiosk sealed the batch.
        migrator.registerMigration("v3-audit-witness") { db in
            try db.alter(table: "batch") { t in
                t.add(column: "audit_length", .integer)
                t.add(column: "audit_head", .text)
            }
        }
        return migrator
    }
}

// MARK: - Centers

extension HQDatabase {
    /// Registers a center with its public key; the same key again is a no-op, another key is refused,
    /// and so is a key another center already has.
    public func addCenter(code: String, key: Ed25519PublicKey, at date: Date) throws -> CenterRecord {
        try writer.writeRetryingWhenBusy { db in
            if let existing = try Self.center(db, code: code) {
                guard existing.keyFingerprint == key.fingerprint else {
                    throw HQError(
                        "center \(code) is already registered with key \(existing.keyFingerprint); "
                            + "a center's key is not replaced silently")
                }
                return existing
            }
            // One key, one center: whoever holds a key shared by two centers could sign batches as either.
            if let other = try String.fetchOne(
                db, sql: "SELECT code FROM center WHERE key_fingerprint = ?", arguments: [key.fingerprint])
            {
                throw HQError(
                    "key \(key.fingerprint) is already registered for center \(other); each center needs its own key "
                        + "(run `kiosk keys init` on the new center's kiosk)")
            }
            try db.execute(
                sql: "INSERT INTO center (code, public_key, key_fingerprint, added_at) VALUES (?, ?, ?, ?)",
                arguments: [code, key.pemRepresentation, key.fingerprint, date])
            return CenterRecord(
                code: code, publicKeyPEM: key.pemRepresentation, keyFingerprint: key.fingerprint, addedAt: date)
        }
    }

    /// The registered center `code`, or nil.
    public func center(code: String) throws -> CenterRecord? {
        try writer.read { db in try Self.center(db, code: code) }
    }

    /// Every registered center with where its chain stands, by code.
    public func centerSummaries() throws -> [CenterSummary] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.code, c.key_fingerprint,
                        (SELECT MAX(sequence) FROM batch b WHERE b.center = c.code) AS last_sequence,
                        (SELECT received_at FROM batch b WHERE b.center = c.code ORDER BY sequence DESC LIMIT 1) AS last_received_at,
                        (SELECT COUNT(*) FROM record r WHERE r.center = c.code) AS records
                    FROM center c ORDER BY c.code
                    """
            ).map {
                CenterSummary(
                    code: $0["code"], keyFingerprint: $0["key_fingerprint"], lastSequence: $0["last_sequence"] ?? 0,
                    lastReceivedAt: $0["last_received_at"], records: $0["records"])
            }
        }
    }

    static func center(_ db: Database, code: String) throws -> CenterRecord? {
        try Row.fetchOne(
            db, sql: "SELECT code, public_key, key_fingerprint, added_at FROM center WHERE code = ?", arguments: [code]
        ).map {
            CenterRecord(
                code: $0["code"], publicKeyPEM: $0["public_key"], keyFingerprint: $0["key_fingerprint"],
                addedAt: $0["added_at"])
        }
    }
}

// MARK: - Reads

extension HQDatabase {
    /// The center's batch `sequence`, if accepted.
    public func batch(center: String, sequence: Int) throws -> AcceptedBatch? {
        try writer.read { db in try Self.batch(db, center: center, sequence: sequence) }
    }

    /// The center's last accepted batch, or nil before the first.
    public func lastBatch(center: String) throws -> AcceptedBatch? {
        try writer.read { db in try Self.lastBatch(db, center: center) }
    }

    /// How many records (applications) headquarters holds for `center`, and how many distinct references.
    public func recordCount(center: String) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE center = ?", arguments: [center]) ?? 0
        }
    }

    /// Every accepted batch, in the order received (then by center and sequence).
    public func acceptedBatches() throws -> [AcceptedBatch] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.batchColumns) FROM batch ORDER BY received_at, center, sequence"
            ).map(AcceptedBatch.init(row:))
        }
    }

    static let batchColumns = """
        center, sequence, manifest, signature, manifest_sha256, records_sha256, record_count, tar_sha256, tar_size,
        file, received_at, receipt, receipt_signature, audit_length, audit_head
        """

    static func batch(_ db: Database, center: String, sequence: Int) throws -> AcceptedBatch? {
        try Row.fetchOne(
            db, sql: "SELECT \(batchColumns) FROM batch WHERE center = ? AND sequence = ?",
            arguments: [center, sequence]
        ).map(AcceptedBatch.init(row:))
    }

    static func lastBatch(_ db: Database, center: String) throws -> AcceptedBatch? {
        try Row.fetchOne(
            db, sql: "SELECT \(batchColumns) FROM batch WHERE center = ? ORDER BY sequence DESC LIMIT 1",
            arguments: [center]
        ).map(AcceptedBatch.init(row:))
    }
}

/// A problem with headquarters' own data (its folder, database or keys); the message says what to do.
public struct HQError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
