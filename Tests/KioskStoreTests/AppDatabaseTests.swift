import Foundation
import GRDB
import KioskCore
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("AppDatabase on a real SQLite file")
struct AppDatabaseTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    static let draft = ApplicationDraft(
        formID: "ua-contract", formVersion: 1, language: .en, consentVersion: "2026-11-uk-1",
        answers: ["surname": .single("Shevchenko"), "driving_licence": .multiple(["B", "C"])])

    @Test func submitStoresOneRowWithAReference() throws {
        // Given a new database
        let database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))

        // When an application is submitted
        let stored = try database.applications.submit(
            Self.draft, formSHA256: String(repeating: "a", count: 64), center: "DEMO01", year: 2026, at: Date())

        // Then it has the first reference of the year and reads back with its answers
        #expect(stored.reference == ReferenceNumber(center: "DEMO01", year: 2026, serial: 1).description)
        let read = try #require(try database.applications.find(reference: stored.reference))
        #expect(read.state == .submitted)
        #expect(try read.answers() == Self.draft.answers)
        #expect(read.formID == "ua-contract" && read.formVersion == 1 && read.consentVersion == "2026-11-uk-1")
        #expect(try database.applications.countsByState()[.submitted] == 1)
    }

    @Test func serialsIncreasePerYearAndSurviveReopening() throws {
        // Given two applications in 2026 and one in 2027, with the database reopened between
        let path = folder.path("kiosk.sqlite")
        var references: [String] = []
        for year in [2026, 2026, 2027] {
            let database = try AppDatabase.open(at: path)
            references.append(
                try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: year, at: Date())
                    .reference)
        }

        // Then the serial continues within a year and restarts in the next
        #expect(references.map { ReferenceNumber(parsing: $0)?.serial } == [1, 2, 1])
        #expect(Set(references).count == 3)
    }

    @Test func concurrentSubmissionsNeverShareAReference() async throws {
        // Given two connections to one file, as the kiosk and the review console would have
        let path = folder.path("kiosk.sqlite")
        let first = try AppDatabase.open(at: path)
        let second = try AppDatabase.open(at: path)

        // When both submit many applications at once
        let references = try await withThrowingTaskGroup(of: [String].self) { group in
            for database in [first, second] {
                group.addTask {
                    try (0..<50).map { _ in
                        try database.applications.submit(
                            Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date()
                        )
                        .reference
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        // Then every reference is unique and none is lost
        #expect(references.count == 100)
        #expect(Set(references).count == 100)
        #expect(try first.applications.countsByState()[.submitted] == 100)
    }

    @Test func connectionsUseTheDurableSettings() throws {
        // Given an open database
        let database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))

        // Then each connection has WAL, synchronous=FULL, foreign keys and secure_delete
        let settings = try database.writer.read { db in
            [
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try String.fetchOne(db, sql: "PRAGMA synchronous"),
                try String.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try String.fetchOne(db, sql: "PRAGMA secure_delete"),
            ]
        }
        #expect(settings == ["wal", "2", "1", "1"])
        #expect(try database.applications.quickCheck() == .ok)
    }

    @Test func theWriterCommitsWithSynchronousFull() throws {
        // Given an open database, new and then reopened
        let path = folder.path("kiosk.sqlite")
        for _ in 0..<2 {
            let database = try AppDatabase.open(at: path)

            // Then the connection that commits (not only the readers) syncs every commit:
            // synchronous=FULL (2), in WAL mode. GRDB's pool sets NORMAL (1) on its writer.
            let writer = try database.writer.writeWithoutTransaction { db in
                [
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try String.fetchOne(db, sql: "PRAGMA synchronous"),
                    try String.fetchOne(db, sql: "PRAGMA secure_delete"),
                ]
            }
            #expect(writer == ["wal", "2", "1"])
            _ = try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
        }
    }

    @Test func theSchemaRefusesUnknownStatesAndInvalidJSON() throws {
        // Given a stored application
        let database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))
        _ = try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())

        // Then the database itself refuses a state outside the lifecycle and answers that are not JSON
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in try db.execute(sql: "UPDATE application SET state = 'lost'") }
        }
        #expect(throws: DatabaseError.self) {
            try database.writer.write { db in try db.execute(sql: "UPDATE application SET answers = '{broken'") }
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndLeftUntouched() throws {
        // Given a file of garbage where the database should be
        let path = folder.path("kiosk.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))

        // When the kiosk opens it
        // Then it is refused as damaged, and not one byte changed
        #expect { try AppDatabase.open(at: path) } throws: { ($0 as? StoreError)?.code == .damaged }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func aCorruptedPageIsReportedAsDamaged() throws {
        // Given a database with data whose table pages are then overwritten on disk
        let path = folder.path("kiosk.sqlite")
        do {
            let database = try AppDatabase.open(at: path)
            for _ in 0..<200 {
                _ = try database.applications.submit(
                    Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
            }
            try database.writer.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
            }
        }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 2))
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))

        // When it is opened again and an application is stored
        // Then it is refused as damaged: at open when the damage reaches what the structural check
        // reads (the schema, the migrations table), else before the first commit
        do {
            let database = try AppDatabase.open(at: path)
            #expect {
                try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
            } throws: {
                ($0 as? StoreError)?.code == .damaged
            }
        } catch {
            #expect(error.code == .damaged)
        }
        // And the file is not written to
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged)
    }

    @Test func aHotDatabaseWhoseWalWasLostIsRefused() throws {
        // Given a copy of a database taken while it was open (as after a power cut), without its -wal
        let path = folder.path("kiosk.sqlite")
        let database = try AppDatabase.open(at: path)
        _ = try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
        let copy = try TemporaryFolder()
        for suffix in ["", "-shm"] {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy.path("kiosk.sqlite") + suffix)
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))

        // When it is opened
        // Then it is refused: its last commits are gone and their reference numbers would be reused
        #expect { try AppDatabase.open(at: copy.path("kiosk.sqlite")) } throws: {
            ($0 as? StoreError)?.code == .damaged && "\($0)".contains("-wal is missing")
        }
        #expect(!FileManager.default.fileExists(atPath: copy.path("kiosk.sqlite") + "-wal"))
    }

    @Test func aRowThatBreaksACheckConstraintIsReportedAsDamaged() throws {
        // Given a database in which a row's state was changed behind the schema's back
        let path = folder.path("kiosk.sqlite")
        do {
            let database = try AppDatabase.open(at: path)
            _ = try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
            try database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON; UPDATE application SET state = 'lost'")
            }
        }

        // Then opening it again refuses its first commit (a read-only integrity check would miss this)
        let database = try AppDatabase.open(at: path)
        #expect {
            try database.applications.submit(Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date())
        } throws: {
            ($0 as? StoreError)?.code == .damaged && "\($0)".contains("CHECK constraint")
        }
    }

    @Test func migrationV6KeepsEarlierApplicationsAsLocalAndRecordsTheCatalogVersion() throws {
        // Given a database as the previous release left it (up to v5-sealing-key), with one application
        let path = folder.path("kiosk.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try AppDatabase.migrator.migrate(queue, upTo: "v5-sealing-key")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256,
                            consent_version, language, answers, submitted_at, updated_at)
                        VALUES ('DEMO01-2026-000001-X', 'DEMO01', 2026, 1, 'ua-contract', 1, 'x', 'c', 'en', '{}',
                            '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000')
                        """)
            }
            try queue.close()
        }

        // When this release opens it and stores an application filled with catalog version 3
        let database = try AppDatabase.open(at: path)
        let stored = try database.applications.submit(
            Self.draft, formSHA256: "x", center: "DEMO01", year: 2026, at: Date(), catalogVersion: 3)

        // Then the earlier application is kept, as filled with the local units.json (0), and the new one says 3
        #expect(try database.applications.find(reference: "DEMO01-2026-000001-X")?.catalogVersion == 0)
        #expect(try database.applications.find(reference: stored.reference)?.catalogVersion == 3)
    }
}
