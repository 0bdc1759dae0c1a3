import CSQLiteConfig
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
    /// writer afterwards, where it holds (see `requireFullSync`). Headquarters opens this way:
    /// its server starts once and may scan first.
    package static func openPool(
        at path: String, busyTimeout: TimeInterval = 10, prepare: (@Sendable (Database) throws -> Void)? = nil
    ) throws(SQLiteOpenError) -> DatabasePool {
        if FileManager.default.fileExists(atPath: path) {
            try checkStructure(at: path)
            if case .problems(let lines) = FullIntegrityCheck.run(path) {
                throw SQLiteOpenError(.damaged, "integrity_check: \(IntegrityResult.problems(lines))")
            }
        }
        return try makePool(at: path, busyTimeout: busyTimeout, prepare: prepare)
    }

    /// Opens (creating if needed) the database at `path` after a structural check of an
    /// existing file that costs the same at any size, with the full `integrity_check` still to come.
    ///
    /// A file that is not a database, whose header or schema cannot be read, that is shorter
    /// than its header says, or that lost its `-wal` journal is refused with `.damaged` at once.
    /// The full check of an existing file runs on its own `query_only` connection (started by
    /// `FullIntegrityCheck.start()` or by the first commit); every commit waits for it and is
    /// refused with `refusal(.damaged)` when it found damage, so nothing is written to a damaged
    /// file, and the result is recorded beside the file (`IntegrityRecord`).
    ///
    /// One connection (`DatabaseQueue`) in WAL mode, not a pool: opening a pool on a file whose
    /// `-wal` is gone or empty commits a table it creates and drops (GRDB `setUpWALMode`), a
    /// write that would have to wait for the full check. Other processes still read beside it.
    package static func openQueueCheckingBeforeFirstCommit(
        at path: String, busyTimeout: TimeInterval = 10, prepare: (@Sendable (Database) throws -> Void)? = nil,
        refusal: @escaping @Sendable (SQLiteOpenError) -> any Error
    ) throws(SQLiteOpenError) -> (DatabaseQueue, FullIntegrityCheck) {
        let check: FullIntegrityCheck
        if FileManager.default.fileExists(atPath: path) {
            try checkStructure(at: path)
            if try isWAL(path) {
                check = FullIntegrityCheck(path: path)
            } else {
                // A file in rollback-journal mode (never one the kiosk made) is switched to WAL
                // as it opens, which writes to it: checked in full first.
                if case .problems(let lines) = FullIntegrityCheck.run(path) {
                    throw SQLiteOpenError(.damaged, "integrity_check: \(IntegrityResult.problems(lines))")
                }
                check = FullIntegrityCheck(createdAt: path)
            }
        } else {
            check = FullIntegrityCheck(createdAt: path)
        }
        let gate = CommitGate(check: check, refusal: refusal)
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            // Until a commit shows the full check passed, closing leaves the -wal alone.
            try checkpointOnClose(db, allowed: false)
            db.add(transactionObserver: gate, extent: .databaseLifetime)
            try prepare?(db)
        }
        let queue = try mappingErrors {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let mode = try queue.writeWithoutTransaction { db in
                try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            }
            guard mode == "wal" else {
                throw SQLiteOpenError(.unavailable, "SQLite kept journal_mode=\(mode ?? "?") instead of WAL")
            }
            try requireFullSync(queue)
            try restrictModes(path)
            return queue
        }
        return (queue, check)
    }

    static func makePool(
        at path: String, busyTimeout: TimeInterval, prepare: (@Sendable (Database) throws -> Void)?
    ) throws(SQLiteOpenError) -> DatabasePool {
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

    /// Whether closing `db`, when it is the last connection, may copy the `-wal` into the
    /// database file (SQLite's default) or must leave it as it is (`SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE`).
    ///
    /// `query_only` does not stop that checkpoint: a connection that checked a damaged file,
    /// or a writer whose commits the check refused, would otherwise write the -wal's frames
    /// into it as it closed. So every connection opens with it off, and the writer turns it
    /// back on after its first commit, which the full check let through.
    static func checkpointOnClose(_ db: Database, allowed: Bool) throws {
        let wanted: Int32 = allowed ? 0 : 1
        guard kiosk_sqlite_no_checkpoint_on_close(db.sqliteConnection, wanted) == wanted else {
            throw SQLiteOpenError(.unavailable, "SQLite refused SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE")
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
    static func requireFullSync(_ writer: some DatabaseWriter) throws {
        let level = try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else {
            throw SQLiteOpenError(
                .unavailable, "SQLite kept synchronous=\(level.map(String.init) ?? "?") instead of FULL (2)")
        }
    }

    /// Checks an existing file, in a time that does not grow with its size, on a connection
    /// that cannot write.
    ///
    /// A `-shm` without its `-wal` means the database was not closed cleanly and its journal,
    /// holding the last commits, is gone: opening it would silently lose those commits (and
    /// hand reference numbers out again), so it is refused. Then the 100-byte header (the
    /// magic string, a page size SQLite can have, a file a whole number of pages long and, when
    /// no journal holds newer pages, exactly as long as the header says) and the schema, read
    /// by SQLite. What this cannot see (a damaged page deep in a table or an index, a row that
    /// breaks a CHECK constraint) the full `integrity_check` finds before the first commit.
    package static func checkStructure(at path: String) throws(SQLiteOpenError) {
        let manager = FileManager.default
        let name = (path as NSString).lastPathComponent
        if manager.fileExists(atPath: path + "-shm") && !manager.fileExists(atPath: path + "-wal") {
            throw SQLiteOpenError(
                .damaged,
                "\(name)-wal is missing although the database was not closed cleanly (its -shm is there); the last commits may be lost"
            )
        }
        try checkHeader(at: path, name: name)
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = 1")
            try checkpointOnClose(db, allowed: false)
        }
        config.busyMode = .timeout(10)
        try mappingErrors {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            try queue.read { db in
                _ = try Int.fetchOne(db, sql: "PRAGMA schema_version")
                _ = try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema")
            }
        }
    }

    /// The header checks of `checkStructure`; an empty file is a database SQLite has not written yet.
    static func checkHeader(at path: String, name: String) throws(SQLiteOpenError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SQLiteOpenError(.unavailable, "\(name) cannot be read")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard size > 0 else { return }
        try? handle.seek(toOffset: 0)
        let header = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        func damaged(_ what: String) -> SQLiteOpenError { SQLiteOpenError(.damaged, "\(name) \(what)") }
        guard header.count == 100, header.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw damaged("is not an SQLite database (its header is wrong)")
        }
        func number(_ offset: Int, _ width: Int) -> UInt64 {
            header[offset..<offset + width].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let rawPageSize = number(16, 2)
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else {
            throw damaged("has an impossible page size (\(rawPageSize))")
        }
        guard size % pageSize == 0 else {
            throw damaged("is \(size) bytes long, not a whole number of \(pageSize)-byte pages")
        }
        // The page count in the header is valid when its change counter matches; pages still in
        // the -wal may make the header newer than the file until the next checkpoint.
        let walSize = fileSize(path + "-wal") ?? 0
        let headerPages = number(28, 4)
        if walSize == 0, number(92, 4) == number(24, 4), headerPages != 0, headerPages != size / pageSize {
            throw damaged(
                "holds \(size / pageSize) pages but its header says \(headerPages): it was cut short or overwritten")
        }
    }

    /// Whether the header of the database at `path` says WAL (file format versions 2), not a
    /// rollback journal; an empty file is not in WAL mode yet.
    static func isWAL(_ path: String) throws(SQLiteOpenError) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SQLiteOpenError(.unavailable, "\((path as NSString).lastPathComponent) cannot be read")
        }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 20)) ?? Data())
        return header.count == 20 && header[18] == 2 && header[19] == 2
    }

    /// The size of the file at `path`, or nil when it does not exist.
    private static func fileSize(_ path: String) -> UInt64? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value
    }
}
