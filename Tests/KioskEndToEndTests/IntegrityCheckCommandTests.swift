import Foundation
import KioskTestSupport
import Testing

/// A database whose damage only the full `integrity_check` sees: the kiosk starts without
/// scanning it, but never writes to it, and status reports the recorded check.
@Suite("kiosk: the full integrity check behind the welcome screen")
struct IntegrityCheckCommandTests {
    /// A kiosk whose one application breaks the schema's CHECK constraint on its state.
    static func damagedFixture() throws -> KioskFixture {
        let fixture = try KioskFixture()
        _ = try fixture.run(["status"])
        _ = try fixture.sqlite(
            """
            INSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256,
                consent_version, language, answers, submitted_at, updated_at)
            VALUES ('DEMO01-2026-000001-X', 'DEMO01', 2026, 1, 'ua-contract', 1, 'x', 'c', 'en', '{}',
                '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000');
            PRAGMA ignore_check_constraints = ON;
            UPDATE application SET state = 'lost';
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        return fixture
    }

    @Test func attendStopsBeforeTheFormAndNothingIsWritten() throws {
        // Given a database whose damage the structural check at start does not see
        let fixture = try Self.damagedFixture()
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath))

        // When the kiosk starts and an applicant chooses a language
        let attend = try fixture.run(["attend"], input: "2\nShevchenko\n")

        // Then it goes out of service before the form, saying why, and the file is untouched
        #expect(attend.status != 0)
        #expect(attend.error.contains("damaged"))
        #expect(attend.error.contains("CHECK constraint"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.databasePath)) == before)
    }

    @Test func statusReportsTheLastFullCheckWithoutRunningIt() throws {
        // Given a damaged database that no full check has seen yet
        let fixture = try Self.damagedFixture()
        try? FileManager.default.removeItem(atPath: fixture.databasePath + "-integrity.json")

        // When status runs, then it reports no recorded check and the structure as sound
        let plain = try fixture.run(["status", "--json"])
        #expect(plain.status == 0)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(plain.output.utf8)) as? [String: Any])
        #expect(first["integrity"] as? String == "ok")
        #expect(first["integrity_check"] == nil)

        // When the full check is asked for, then it finds the damage, records it and exits 1
        let full = try fixture.run(["status", "--full-check"])
        #expect(full.status == 1)
        #expect(full.output.contains("CHECK constraint"))

        // And a later status, which does not check in full, reports the recorded result and exits 1
        let later = try fixture.run(["status", "--json"])
        #expect(later.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(later.output.utf8)) as? [String: Any])
        let check = try #require(json["integrity_check"] as? [String: Any])
        #expect((check["result"] as? String)?.contains("CHECK constraint") == true)
        #expect((json["integrity"] as? String)?.contains("damaged") == true)
    }
}
