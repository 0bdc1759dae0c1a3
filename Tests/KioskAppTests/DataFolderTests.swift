import Foundation
import KioskApp
import KioskTestSupport
import Testing

/// The data folder: created on first use with the demo center, never overwritten.
struct DataFolderTests {
    @Test func firstUseCreatesAPrivateFolderWithTheDemoConfigurationAndKey() throws {
        // Given a data folder that does not exist yet
        let temporary = try TemporaryFolder()
        let folder = DataFolder.resolve(option: temporary.url.appendingPathComponent("data").path, environment: [:])

        // When it is prepared
        try folder.prepare()

        // Then it is 0700, holds the demo configuration and the demo center's key
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(try folder.loadConfig(environment: [:]) == KioskConfig.demo)
        #expect(folder.centerKey.exists)
    }

    @Test func preparingAgainChangesNothing() throws {
        let temporary = try TemporaryFolder()
        let folder = DataFolder(url: temporary.url.appendingPathComponent("data"))
        try folder.prepare()
        try #"{ "center": "KYIV07", "center_name": "Kyiv", "form": "ua-contract", "idle_timeout_seconds": 60 }"#
            .write(to: folder.configURL, atomically: true, encoding: .utf8)
        let key = try String(contentsOf: folder.centerKey.publicKeyURL, encoding: .utf8)

        try folder.prepare()

        #expect(try folder.loadConfig(environment: [:]).center == "KYIV07")
        #expect(try String(contentsOf: folder.centerKey.publicKeyURL, encoding: .utf8) == key)
    }

    @Test func anExternalConfigurationIsNeitherCreatedNorAccompaniedByADemoKey() throws {
        // Given KIOSK_CONFIG naming a file that does not exist
        let temporary = try TemporaryFolder()
        let environment = [
            "KIOSK_DATA_DIR": temporary.url.appendingPathComponent("data").path,
            "KIOSK_CONFIG": temporary.url.appendingPathComponent("etc/config.json").path,
        ]
        let folder = DataFolder.resolve(option: nil, environment: environment)

        // When the folder is prepared and the configuration read
        try folder.prepare()

        // Then the folder exists, but no configuration or key was made, and reading says which file is missing
        #expect(folder.configURL.path == environment["KIOSK_CONFIG"])
        #expect(FileManager.default.fileExists(atPath: folder.url.path))
        #expect(!FileManager.default.fileExists(atPath: folder.configURL.path))
        #expect(!folder.centerKey.exists)
        #expect {
            try folder.loadConfig(environment: environment)
        } throws: { error in
            "\(error)".hasPrefix("cannot read \(temporary.url.path)/etc/config.json")
        }
    }
}
