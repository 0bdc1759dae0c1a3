import Foundation
import KioskApp
import KioskTestSupport
import Testing

/// The data folder holds personal data and the center key: 0700 and 0600 whoever made it,
/// also when it existed before as 0755 with a 0644 database (issue 18).
struct DataFolderModeTests {
    static func mode(_ path: String) throws -> Int {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
    }

    @Test func aPreexistingOpenFolderAndDatabaseAreMadePrivate() throws {
        // Given a data folder someone made 0755, prepared, with its database and key set to 0644
        let temporary = try TemporaryFolder()
        let folder = DataFolder(url: temporary.url.appendingPathComponent("data"))
        try folder.prepare()
        _ = try folder.openDatabase()
        let files = [folder.databasePath, folder.databasePath + "-wal", folder.databasePath + "-shm"]
        for path in files where FileManager.default.fileExists(atPath: path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: folder.centerKey.privateKeyURL.path)
        for path in [folder.url.path, folder.centerKey.folder.path] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }

        // When the kiosk prepares it, opens the database and loads the key again
        try folder.prepare()
        let database = try folder.openDatabase()
        _ = try database.applications.countsByState()
        _ = try folder.centerKey.load()

        // Then the folders are 0700 and the database (with its -wal and -shm) and key 0600
        #expect(try Self.mode(folder.url.path) == 0o700)
        #expect(try Self.mode(folder.centerKey.folder.path) == 0o700)
        #expect(try Self.mode(folder.centerKey.privateKeyURL.path) == 0o600)
        for path in files {
            #expect(try Self.mode(path) == 0o600, "\(path)")
        }
    }
}
