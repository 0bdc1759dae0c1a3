import Foundation
import GRDB
import KioskTestSupport
import Testing

@testable import KioskHQ

@Suite("HQDatabase on a real SQLite file")
struct HQDatabaseTests {
    @Test func theWriterCommitsWithSynchronousFull() throws {
        // Given headquarters' database, new and then reopened
        let folder = try TemporaryFolder(prefix: "kiosk-hqdb")
        let path = folder.path("hq.sqlite")
        for _ in 0..<2 {
            let database = try HQDatabase.open(at: path)

            // Then the connection that commits syncs the WAL on every commit (FULL = 2), so a
            // batch is on disk before its receipt goes out. GRDB's pool sets NORMAL (1) on its writer.
            let writer = try database.writer.writeWithoutTransaction { db in
                [
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try String.fetchOne(db, sql: "PRAGMA synchronous"),
                ]
            }
            #expect(writer == ["wal", "2"])
        }
    }
}

extension HQDatabaseTests {
    @Test func aDamagedDatabaseIsRefusedAndLeftUntouched() throws {
        // Given a file of garbage where headquarters' database should be
        let folder = try TemporaryFolder(prefix: "kiosk-hqdb")
        let path = folder.path("hq.sqlite")
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))

        // Then opening it fails with a message saying it is damaged, and the file is unchanged
        // (the same opening path as the kiosk's: checked before any connection can write).
        #expect {
            _ = try HQDatabase.open(at: path)
        } throws: { error in
            "\(error)".contains("is damaged")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
}
