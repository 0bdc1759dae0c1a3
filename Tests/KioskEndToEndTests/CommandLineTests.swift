import Foundation
import KioskTestSupport
import Testing

/// `kiosk` subcommands other than the form: status, start-up checks, help.
@Suite("kiosk command line")
struct CommandLineTests {
    @Test func firstUseCreatesTheDemoCenterAndStatusReportsIt() throws {
        // Given a data folder that does not exist yet
        let fixture = try KioskFixture()
        try FileManager.default.removeItem(at: fixture.dataDir)

        // When status runs as JSON
        let run = try fixture.run(["status", "--json"])

        // Then the folder exists (mode 0700) with the demo center, an empty database that is healthy, and a key
        #expect(run.status == 0)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(json["center"] as? String == "DEMO01")
        #expect(json["integrity"] as? String == "ok")
        #expect((json["applications"] as? [String: Int])?["submitted"] == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.dataDir.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(
            FileManager.default.fileExists(atPath: fixture.dataDir.appendingPathComponent("keys/center.key.pem").path))
    }

    @Test func statusCountsStoredApplications() throws {
        let fixture = try KioskFixture()
        let stored = try fixture.run(["attend"], input: AttendPipeTests.script.joined(separator: "\n") + "\n")
        #expect(stored.status == 0)
        let run = try fixture.run(["status", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect((json["applications"] as? [String: Int])?["submitted"] == 1)
    }

    @Test func aBrokenFormDefinitionIsRefusedNamingFileFieldAndProblem() throws {
        // Given a copy of Kiosk/ whose RNOKPP validator names a field that does not exist
        let fixture = try KioskFixture()
        let broken = fixture.dataDir.appendingPathComponent("Kiosk")
        try FileManager.default.copyItem(at: KioskFixture.kioskDir, to: broken)
        let formURL = broken.appendingPathComponent("forms/ua-contract.json")
        let text = try String(contentsOf: formURL, encoding: .utf8)
        try text.replacingOccurrences(of: "\"birth_date\": \"birth_date\"", with: "\"birth_date\": \"born\"")
            .write(to: formURL, atomically: true, encoding: .utf8)
        #expect(try String(contentsOf: formURL, encoding: .utf8) != text)

        // When the kiosk starts on it
        let process = try PipeProcess(
            executable: KioskFixture.kiosk,
            arguments: ["attend", "--data-dir", fixture.dataDir.path, "--kiosk-dir", broken.path],
            environment: fixture.environment)
        process.closeInput()

        // Then it refuses to start, naming the file, the field and the problem
        #expect(try process.waitForExit() != 0)
        let message = process.errorOutput
        #expect(message.contains("forms/ua-contract.json"))
        #expect(message.contains("field \"rnokpp\""))
        #expect(message.contains("\"born\""))
        #expect(process.output.isEmpty)
    }

    @Test func aDamagedDatabaseIsReportedAndNeverWritten() throws {
        // Given a database file that is garbage
        let fixture = try KioskFixture()
        _ = try fixture.run(["status"])
        let garbage = Data(repeating: 0x5A, count: 16_384)
        try garbage.write(to: URL(fileURLWithPath: fixture.databasePath))

        // When the kiosk starts, and status runs
        let attend = try fixture.run(["attend"], input: "2\n")
        let status = try fixture.run(["status", "--json"])

        // Then attend refuses with a clear message, status reports it and exits 1, and the file is untouched
        #expect(attend.status != 0)
        #expect(attend.error.contains("damaged"))
        #expect(status.status == 1)
        #expect(status.output.contains("damaged"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath)) == garbage)
    }

    @Test func anUnknownConfigKeyIsRefused() throws {
        let fixture = try KioskFixture()
        try
            #"{"center": "DEMO01", "center_name": "x", "form": "ua-contract", "idle_timeout_seconds": 120, "idle_timout": 5}"#
            .write(to: fixture.dataDir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let run = try fixture.run(["status"])
        #expect(run.status != 0)
        #expect(run.error.contains("unknown key \"idle_timout\""))
    }

    @Test func helpExplainsTheCommands() throws {
        let fixture = try KioskFixture()
        let run = try fixture.run(["--help"])
        #expect(run.status == 0)
        for word in ["attend", "status", "--data-dir", "keys", "batch"] {
            #expect(run.output.contains(word))
        }
    }
}
