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

extension HQDatabaseTests {
    @Test func headquartersMakesAPreexistingOpenFolderAndItsFilesPrivate() throws {
        // Given headquarters' folder made 0755 beforehand, its database and receipt key at 0644
        let temporary = try TemporaryFolder(prefix: "kiosk-hq-modes")
        let folder = HQFolder(url: temporary.url.appendingPathComponent("hq"))
        try folder.createReceiptKey()
        _ = try HQDatabase.open(at: folder.databasePath)
        let manager = FileManager.default
        let files = [folder.databasePath, folder.databasePath + "-wal", folder.databasePath + "-shm"]
        for path in files + [folder.receiptPrivateKeyURL.path] where manager.fileExists(atPath: path) {
            try manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        for path in [folder.url.path, folder.keysURL.path, folder.incomingURL.path] {
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        // When headquarters starts on it again
        try folder.prepare()
        let database = try HQDatabase.open(at: folder.databasePath)
        _ = try database.centerSummaries()
        _ = try folder.loadReceiptKey()

        // Then the folders are 0700, the database files and the key 0600
        func mode(_ path: String) throws -> Int {
            try #require((manager.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
        }
        for path in [folder.url.path, folder.keysURL.path, folder.incomingURL.path] {
            #expect(try mode(path) == 0o700, "\(path)")
        }
        for path in files + [folder.receiptPrivateKeyURL.path] {
            #expect(try mode(path) == 0o600, "\(path)")
        }
    }
}
