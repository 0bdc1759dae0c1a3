import Foundation
import GRDB
import KioskSupport

/// Opens the SQLite files of the kiosk and of headquarters the same way: checked before
/// anything writes, WAL with every commit synced, busy handling, errors mapped to what an
/// operator can act on.
package enum SQLiteFile {
    /// Opens (creating if needed) the pool at `path` after checking an existing file.
    ///
    /// An existing file that fails `PRAGMA integrity_check`, is not a database, or lost its
    /// `-wal` journal is refused with `.damaged` before any connection that can write opens it.
    /// `prepare` runs on every connection (the readers too); `synchronous=FULL` is set on the
    /// writer afterwards, where it holds (see `requireFullSync`).
    package static func openPool(
        at path: String, busyTimeout: TimeInterval = 10, prepare: (@Sendable (Database) throws -> Void)? = nil
    ) throws(SQLiteOpenError) -> DatabasePool {
        if FileManager.default.fileExists(atPath: path) {
            try checkExisting(at: path)
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        if let prepare {
            config.prepareDatabase { db in try prepare(db) }
        }
        return try mappingErrors {
            let pool = try DatabasePool(path: path, configuration: config)
            try requireFullSync(pool)
            try restrictModes(path)
            return pool
        }
    }

    /// Makes the database and its `-wal` and `-shm` 0600, created now or long ago: SQLite
    /// creates them 0644 under umask 022, and they hold personal data.
    static func restrictModes(_ path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] {
            try DurableFile.restrict(file, to: 0o600)
        }
    }

    /// Runs `body`, turning whatever it throws into a `SQLiteOpenError`.
    static func mappingErrors<T>(_ body: () throws -> T) throws(SQLiteOpenError) -> T {
        do {
            return try body()
        } catch let error as SQLiteOpenError {
            throw error
        } catch let error as DatabaseError {
            throw SQLiteOpenError(error)
        } catch {
            throw SQLiteOpenError(.unavailable, "\(error)")
        }
    }

    /// Sets `synchronous=FULL` on the pool's writer and reads it back, or throws.
    ///
    /// It cannot go in `prepareDatabase`: `DatabasePool` runs that first and then switches
    /// its writer to WAL with `synchronous=NORMAL` (GRDB `Database.setUpWALMode`), under
    /// which a commit is not synced until the next checkpoint. With FULL every commit syncs
    /// the `-wal` before it returns, so a reference shown to an applicant, or a receipt sent
    /// by headquarters, survives a power cut. The writer is the only connection that
    /// commits, and GRDB never reopens it.
    static func requireFullSync(_ pool: DatabasePool) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else {
            throw SQLiteOpenError(
                .unavailable, "SQLite kept synchronous=\(level.map(String.init) ?? "?") instead of FULL (2)")
        }
    }

    /// Checks an existing file on a connection that cannot write, so a damaged file is never written.
    ///
    /// `PRAGMA integrity_check` (not only `quick_check`) so that a damaged index, such as the
    /// one that keeps reference numbers unique, is found too. A `-shm` without its `-wal` means
    /// the database was not closed cleanly and its journal, holding the last commits, is gone:
    /// opening it would silently lose those commits (and hand reference numbers out again),
    /// so it is refused.
    static func checkExisting(at path: String) throws(SQLiteOpenError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: path + "-shm") && !manager.fileExists(atPath: path + "-wal") {
            throw SQLiteOpenError(
                .damaged,
                "\((path as NSString).lastPathComponent)-wal is missing although the database was not closed cleanly (its -shm is there); the last commits may be lost"
            )
        }
        // `query_only`, not a read-only open: SQLite skips CHECK constraints in an integrity
        // check on a read-only connection, and query_only refuses every write just the same.
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        try mappingErrors {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let result = try queue.read { db in try IntegrityResult.check(db, .full) }
            try queue.close()
            if case .problems = result {
                throw SQLiteOpenError(.damaged, "integrity_check: \(result)")
            }
        }
    }
}
