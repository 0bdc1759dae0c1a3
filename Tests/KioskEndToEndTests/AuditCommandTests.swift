import Foundation
import KioskTestSupport
import Testing

/// `kiosk audit verify` and `kiosk audit list` on a log written by a real console session.
@Suite("kiosk audit")
struct AuditCommandTests {
    /// A data folder with an account and a session: login, list, show, search, approve, logout.
    static func session() throws -> (KioskFixture, String) {
        let fixture = try KioskFixture()
        let reference = try #require(try fixture.submitApplications().first)
        try fixture.addStaff(
            "olena", name: "Olena Ivanenko", role: "supervisor", password: KioskFixture.supervisorPassword)
        let script = [
            "olena", KioskFixture.supervisorPassword, "list", "show \(reference)", "search shevchenko",
            "approve \(reference)", "logout",
        ]
        let run = try fixture.run(["review"], input: script.joined(separator: "\n") + "\n")
        guard run.status == 0, run.output.contains("approved;") else {
            throw ReviewHarnessError("session failed: \(run.output)")
        }
        return (fixture, reference)
    }

    @Test func theChainVerifiesAndFailsAfterARowIsChangedWithSqlite3() throws {
        // Given a log written by a session
        let (fixture, _) = try Self.session()

        // Then verify says it is intact and prints the head
        let intact = try fixture.run(["audit", "verify"])
        #expect(intact.status == 0)
        #expect(intact.output.contains("OK: 7 audit entries, chain intact, last entry 7"))
        let head = try #require(intact.output.split(separator: "\n").first { $0.hasPrefix("head: ") }).dropFirst(6)
        #expect(head.count == 64)

        // When someone edits a row with the sqlite3 CLI (the append-only guards dropped first)
        _ = try fixture.sqlite(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET staff_id = 'petro' WHERE action = 'approve'")

        // Then verify fails, naming the entry
        let edited = try fixture.run(["audit", "verify"])
        #expect(edited.status == 1)
        #expect(edited.output.contains("FAIL: entry 6 was edited: its content does not match its hash"))

        // And a deleted row is named too
        _ = try fixture.sqlite("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3")
        let deleted = try fixture.run(["audit", "verify", "--head", String(head)])
        #expect(deleted.status == 1)
        #expect(deleted.output.contains("FAIL: entry 3 was deleted"))
        #expect(deleted.output.contains("problems in 6 entries"))
    }

    @Test func theListShowsWhoDidWhatAndNoPersonalData() throws {
        let (fixture, reference) = try Self.session()
        let list = try fixture.run(["audit", "list", "--since", Self.today()])
        #expect(list.status == 0)
        let actions = list.output.split(separator: "\n").dropFirst().map {
            $0.split(separator: " ", omittingEmptySubsequences: true)
        }
        #expect(actions.map { String($0[4]) } == ["staff-add", "login", "list", "show", "search", "approve", "logout"])
        #expect(list.output.contains("olena         show            \(reference)"))
        #expect(list.output.contains("1 found"))
        // The search text was a surname: it is not in the log, nor any answer
        #expect(!list.output.lowercased().contains("shevchenko") && !list.output.contains("3652504575"))

        let future = try fixture.run(["audit", "list", "--since", "2999-01-01"])
        #expect(future.output.contains("(no entries)"))
        #expect(try fixture.run(["audit", "list", "--since", "yesterday"]).status != 0)
    }

    /// Today in the kiosk's time zone (the fixture pins it), not in this test process's.
    static func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = KioskFixture.timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
