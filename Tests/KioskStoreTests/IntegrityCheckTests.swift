import Foundation
import GRDB
import KioskCore
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

/// The promise that a damaged database is never written to, kept without a scan of the whole
/// file before the first prompt: a structural check at open, the full check before the first commit.
@Suite("Integrity checks: structural at open, full before the first commit")
struct IntegrityCheckTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    /// A database with `count` applications, closed and checkpointed.
    func database(with count: Int) throws -> String {
        let path = folder.path("kiosk.sqlite")
        let database = try AppDatabase.open(at: path)
        for _ in 0..<count {
            _ = try database.applications.submit(
                AppDatabaseTests.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
        }
        try database.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        return path
    }

    @Test func openingWithoutStartingTheFullCheckDoesNotRunIt() throws {
        // Given a database with applications
        let path = try database(with: 3)
        try? FileManager.default.removeItem(atPath: IntegrityRecord.path(for: path))

        // When it is opened as status opens it, and counted
        let database = try AppDatabase.open(at: path, startingFullCheck: false)
        let counts = try database.applications.countsByState()

        // Then the counts come from the counters, and no full check ran or was recorded
        #expect(counts[.submitted] == 3)
        #expect(database.integrityCheck.result == nil)
        #expect(!FileManager.default.fileExists(atPath: IntegrityRecord.path(for: path)))
    }

    @Test func theFullCheckIsRecordedForThisFile() throws {
        // Given a database with applications
        let path = try database(with: 3)

        // When it is opened and its full check has run
        let database = try AppDatabase.open(at: path)
        #expect(database.integrityCheck.wait() == .ok)

        // Then the record beside it says so, for this file only
        let record = try #require(IntegrityRecord.last(for: path))
        #expect(record.passed)
        #expect((record.pages ?? 0) > 0)
        let copy = folder.path("copy.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(
            atPath: IntegrityRecord.path(for: path), toPath: IntegrityRecord.path(for: copy))
        #expect(IntegrityRecord.last(for: copy) == nil)
    }

    @Test func aDamagedTableIsRefusedAtTheFirstCommitAndNothingIsWritten() throws {
        // Given a database whose row breaks a CHECK constraint, which only the full check sees
        let path = try database(with: 1)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON; UPDATE application SET state = 'lost'")
            _ = try db.checkpoint(.truncate)
        }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        // When it is opened (the structural check passes) and every kind of write is tried
        do {
            let database = try AppDatabase.open(at: path)
            #expect {
                try database.applications.submit(
                    AppDatabaseTests.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
            } throws: { ($0 as? StoreError)?.code == .damaged }
            #expect {
                try database.writer.write { db in try db.execute(sql: "DELETE FROM application") }
            } throws: { ($0 as? StoreError)?.code == .damaged }

            // Then the failed check is recorded for status
            #expect(IntegrityRecord.last(for: path)?.passed == false)
        }
        // And not one byte of the file changed
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aDamagedFileLeftHotKeepsBothItsFileAndItsWAL() throws {
        // Given a damaged database (a row breaks a CHECK constraint) left hot, its last commit
        // only in the -wal, as a power cut leaves it
        let source = try database(with: 1)
        let queue = try DatabaseQueue(path: source)
        let path = folder.path("hot.sqlite")
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON; UPDATE application SET state = 'lost'")
            _ = try db.checkpoint(.truncate)
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            try db.execute(sql: "UPDATE application SET updated_at = '2026-11-28 10:00:00.000'")
        }
        for suffix in ["", "-wal", "-shm"] {
            try FileManager.default.copyItem(atPath: source + suffix, toPath: path + suffix)
        }
        try queue.close()
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        let wal = try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        #expect(!wal.isEmpty)

        // When the kiosk opens it, its write is refused, and it closes it
        do {
            let database = try AppDatabase.open(at: path)
            #expect {
                try database.applications.submit(
                    AppDatabaseTests.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
            } throws: { ($0 as? StoreError)?.code == .damaged }
        }

        // Then closing did not checkpoint the -wal into the damaged file: both are as they were
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == file)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path + "-wal")) == wal)
    }

    @Test func aFileCutShortIsRefusedAtOpenWithoutAScan() throws {
        // Given a database that lost its last pages (a copy cut short)
        let path = try database(with: 300)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size - 4096)
        try handle.close()

        // When it is opened, then it is refused at once
        #expect { try AppDatabase.open(at: path, startingFullCheck: false) } throws: {
            ($0 as? StoreError)?.code == .damaged && "\($0)".contains("header says")
        }
    }

    @Test func countersFollowEveryChangeOfState() throws {
        // Given a database with three applications
        let path = try database(with: 3)
        let database = try AppDatabase.open(at: path)

        // When one is approved, one deleted, and one inserted by a script
        try database.writer.write { db in
            try db.execute(sql: "UPDATE application SET state = 'approved' WHERE serial = 1")
            try db.execute(sql: "DELETE FROM application WHERE serial = 2")
            try db.execute(
                sql: """
                    INSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256,
                        consent_version, language, state, answers, submitted_at, updated_at)
                    VALUES ('DEMO01-2026-000009-X', 'DEMO01', 2026, 9, 'ua-contract', 1, 'x', 'c', 'en', 'rejected',
                        '{}', '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000')
                    """)
        }

        // Then the counters agree with a count of every row
        var counted: [String: Int] = [:]
        for row in try database.writer.read({ db in
            try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM application GROUP BY state")
        }) {
            counted[row["state"]] = row["n"]
        }
        let counters = try database.applications.countsByState().filter { $0.value > 0 }
        #expect(Dictionary(uniqueKeysWithValues: counters.map { ($0.key.rawValue, $0.value) }) == counted)
        #expect(counted == ["submitted": 1, "approved": 1, "rejected": 1])
    }

    @Test func migrationV7CountsTheApplicationsAlreadyStored() throws {
        // Given a database as the previous release left it (up to v6), with two applications
        let path = folder.path("kiosk.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try AppDatabase.migrator.migrate(queue, upTo: "v6-catalog-version")
            try queue.write { db in
                for serial in 1...2 {
                    try db.execute(
                        sql: """
                            INSERT INTO application (reference, center, year, serial, form_id, form_version,
                                form_sha256, consent_version, language, answers, submitted_at, updated_at)
                            VALUES (?, 'DEMO01', 2026, ?, 'ua-contract', 1, 'x', 'c', 'en', '{}',
                                '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000')
                            """, arguments: ["DEMO01-2026-00000\(serial)-X", serial])
                }
            }
            try queue.close()
        }

        // When this release opens it, then they are counted
        let database = try AppDatabase.open(at: path)
        #expect(try database.applications.countsByState()[.submitted] == 2)
    }
}
