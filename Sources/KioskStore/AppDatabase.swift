import Foundation
import GRDB
import KioskCore
import KioskSQLite

/// The kiosk's SQLite database: the one owner of the writer connection and the schema.
///
/// Each consumer works through a focused store that shares this writer: `applications` (the
/// attend loop and status), `batches` (the outbox), `delivery` (the upload), `review`,
/// `staff` and `audit` (the review console), on one connection. WAL with `synchronous=FULL` on the writer, so a
/// method that returned has committed durably; foreign keys on; `secure_delete` so purged
/// personal data is overwritten; a busy timeout so the kiosk, the review console and the
/// uploader can share the file.
public final class AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// The full integrity check of the file as it was opened; the first commit waits for it.
    package let integrityCheck: FullIntegrityCheck

    /// Opens (creating if needed) the database at `path`, after a structural check of an
    /// existing file, and starts its full integrity check in the background.
    ///
    /// A file that is not a database, whose header or schema is damaged, that was cut short,
    /// or that lost its `-wal` journal is refused with `StoreError.damaged` here, in a time that
    /// does not grow with the file. The full `PRAGMA integrity_check` runs on a connection that
    /// cannot write, from now on when `startingFullCheck` (else at the first commit), and every
    /// commit waits for it: one that finds damage refuses the commit with `StoreError.damaged`,
    /// so a damaged file is never written to (`SQLiteFile.openQueueCheckingBeforeFirstCommit`).
    /// `kiosk status` opens without starting it and reports the last recorded check instead.
    public static func open(
        at path: String, busyTimeout: TimeInterval = 10, startingFullCheck: Bool = true
    ) throws(StoreError) -> AppDatabase {
        let queue: DatabaseQueue
        let check: FullIntegrityCheck
        do {
            (queue, check) = try SQLiteFile.openQueueCheckingBeforeFirstCommit(
                at: path, busyTimeout: busyTimeout,
                prepare: { db in try db.execute(sql: "PRAGMA secure_delete = ON") },
                refusal: { StoreError($0) })
        } catch {
            throw StoreError(error)
        }
        if startingFullCheck { check.start() }
        do {
            return try AppDatabase(queue, integrityCheck: check)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(SQLiteOpenError(error))
        } catch {
            throw StoreError(.unavailable, "\(error)")
        }
    }

    /// Migrates `writer` if it lacks a migration; a database that has them all is only read,
    /// so opening it commits nothing (and does not wait for the integrity check).
    init(_ writer: any DatabaseWriter, integrityCheck: FullIntegrityCheck) throws {
        self.writer = writer
        self.integrityCheck = integrityCheck
        if try !writer.read({ db in try Self.migrator.hasCompletedMigrations(db) }) {
            try Self.migrator.migrate(writer)
        }
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
