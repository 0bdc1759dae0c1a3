import Foundation
import GRDB
import KioskCore
import KioskSQLite

/// The kiosk's SQLite database: the one owner of the writer connection and the schema.
///
/// Each consumer works through a focused store that shares this writer: `applications` (the
/// attend loop and status), `batches` (the outbox), `delivery` (the upload), `review`,
/// `staff` and `audit` (the review console). WAL with `synchronous=FULL` on the writer, so a
/// method that returned has committed durably; foreign keys on; `secure_delete` so purged
/// personal data is overwritten; a busy timeout so the kiosk, the review console and the
/// uploader can share the file.
public final class AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`, after checking an existing file.
    ///
    /// An existing file that fails `PRAGMA integrity_check`, is not a database, or lost its
    /// `-wal` journal is refused with `StoreError.damaged` before anything writes to it
    /// (`SQLiteFile.openPool`, the same path headquarters' database opens through).
    public static func open(at path: String, busyTimeout: TimeInterval = 10) throws(StoreError) -> AppDatabase {
        let pool: DatabasePool
        do {
            pool = try SQLiteFile.openPool(at: path, busyTimeout: busyTimeout) { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
            }
        } catch {
            throw StoreError(error)
        }
        do {
            return try AppDatabase(pool)
        } catch let error as DatabaseError {
            throw StoreError(SQLiteOpenError(error))
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Applications as the kiosk stores and status counts them.
    public var applications: ApplicationStore { ApplicationStore(writer: writer) }
    /// Sealed batches: sealing approved applications and reading them back for the tar.
    public var batches: BatchStore { BatchStore(writer: writer) }
    /// Receipts, retention purge and the upload log.
    public var delivery: DeliveryStore { DeliveryStore(writer: writer) }
    /// The review console's reads and decisions.
    package var review: ReviewStore { ReviewStore(writer: writer) }
    /// Staff accounts.
    package var staff: StaffStore { StaffStore(writer: writer) }
    /// The hash-chained audit log.
    package var audit: AuditStore { AuditStore(writer: writer) }
}
