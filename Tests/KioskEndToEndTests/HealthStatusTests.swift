import Foundation
import Testing

/// `kiosk status` for monitoring: the health fields beside the existing keys.
@Suite("kiosk status health")
struct HealthStatusTests {
    @Test func statusJSONHasFreeDiskAndServiceStateBesideTheExistingKeys() throws {
        // Given a fresh demo kiosk
        let fixture = try KioskFixture()

        // When status runs as JSON
        let run = try fixture.run(["status", "--json"])

        // Then the existing keys are there, and health says it is in service with the free disk
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        for key in ["center", "applications", "integrity", "upload", "health"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        let upload = try #require(json["upload"] as? [String: Any])
        for key in ["outbox_batches", "outbox_applications", "last_success_at", "last_error"] {
            #expect(upload.keys.contains(key), "missing upload.\(key)")
        }
        let health = try #require(json["health"] as? [String: Any])
        #expect(health["in_service"] as? Bool == true)
        #expect((health["free_disk_mb"] as? Int ?? 0) > 0)
        #expect(health["min_free_disk_mb"] as? Int == 200)
        #expect((health["problems"] as? [String])?.isEmpty == true)
    }

    @Test func aDiskThresholdAboveTheFreeSpaceIsOutOfServiceButStatusStillExitsZero() throws {
        let fixture = try KioskFixture()

        let json = try fixture.run(["status", "--json"], environment: ["KIOSK_MIN_FREE_DISK_MB": "100000000"])
        let text = try fixture.run(["status"], environment: ["KIOSK_MIN_FREE_DISK_MB": "100000000"])

        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let health = try #require(object["health"] as? [String: Any])
        #expect(health["in_service"] as? Bool == false)
        #expect((health["problems"] as? [String])?.first?.contains("below min_free_disk_mb (100000000 MB)") == true)
        #expect(text.output.contains("free disk:"))
        #expect(text.output.contains("OUT OF SERVICE: free disk on the data folder is"))
    }

    @Test func aDamagedDatabaseIsOutOfServiceInStatus() throws {
        let fixture = try KioskFixture()
        _ = try fixture.run(["status"])
        try Data(repeating: 0x5A, count: 16_384).write(to: URL(fileURLWithPath: fixture.databasePath))

        let run = try fixture.run(["status", "--json"])

        #expect(run.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let health = try #require(json["health"] as? [String: Any])
        #expect(health["in_service"] as? Bool == false)
        #expect((health["problems"] as? [String])?.first?.contains("damaged") == true)
    }
}
