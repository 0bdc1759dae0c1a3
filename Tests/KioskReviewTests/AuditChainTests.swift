import Foundation
import GRDB
import KioskReview
import Testing

@testable import KioskStore

@Suite("The audit chain detects edited, deleted and reordered entries")
struct AuditChainTests {
    let fixture: ReviewFixture

    /// Ten entries: two account additions, then a session of eight.
    init() throws {
        fixture = try ReviewFixture()
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        for command in [
            "list", "show \(reference)", "search shev", "approve \(reference)", "note \(reference) ok", "stats",
            "logout",
        ] {
            _ = console.handle(command)
        }
        #expect(try fixture.audit().count == 9)
    }

    func verify(head: String? = nil) throws -> AuditVerifier.Report {
        try AuditVerifier().verify(fixture.database, expectedHead: head)
    }

    /// As someone with the sqlite3 CLI would: drop the append-only triggers, then change rows.
    func tamper(_ sql: String) throws {
        try fixture.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \(sql)")
    }

    @Test func anUntouchedLogVerifiesAndEachRowLinksToTheOneBefore() throws {
        let report = try verify()
        #expect(report.isIntact && report.count == 9 && report.lastID == 9)
        let entries = try fixture.audit()
        #expect(entries.first?.previousSHA256 == AuditEntry.genesis)
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.sha256 == $1.previousSHA256 })
        #expect(entries.allSatisfy { $0.sha256.count == 64 })
        #expect(try self.verify(head: entries[4].sha256).isIntact)
    }

    @Test func theLogIsAppendOnlyUntilItsGuardsAreDropped() throws {
        #expect(throws: DatabaseError.self) { try fixture.execute("UPDATE audit_log SET action = 'x' WHERE id = 3") }
        #expect(throws: DatabaseError.self) { try fixture.execute("DELETE FROM audit_log WHERE id = 3") }
    }

    @Test func anEditedRowIsNamed() throws {
        try tamper("UPDATE audit_log SET detail = 'all page 1' WHERE id = 4")
        #expect(try verify().problems == [.edited(id: 4)])
        #expect(try verify().problems.map(\.description) == ["entry 4 was edited: its content does not match its hash"])
    }

    @Test func anEditedRowWithARecomputedHashBreaksTheNextLink() throws {
        // Given row 4 edited and given the hash its new content has
        let entries = try fixture.audit()
        let row = entries[3]
        let forged = AuditEntry(
            id: row.id, at: row.at, staffID: "petro", action: row.action, reference: row.reference, detail: row.detail,
            previousSHA256: row.previousSHA256, sha256: "")
        let hash = AuditHasher.sha256.sha256Hex(forged.canonicalBytes)
        try tamper("UPDATE audit_log SET staff_id = 'petro', sha256 = '\(hash)' WHERE id = 4")

        // Then entry 5 no longer follows it
        #expect(try verify().problems == [.brokenLink(id: 5, previousID: 4)])
    }

    @Test func aDeletedRowIsNamed() throws {
        try tamper("DELETE FROM audit_log WHERE id = 5")
        #expect(try verify().problems == [.deleted(ids: 5...5)])
        #expect(try verify().problems.first?.description == "entry 5 was deleted")
    }

    @Test func deletedLastRowsAreNamedAndStaySoAfterNewEntries() throws {
        // Given the last two rows deleted
        try tamper("DELETE FROM audit_log WHERE id >= 8")
        #expect(try verify().problems == [.deleted(ids: 8...9)])

        // When the console appends more
        _ = try fixture.loggedIn()

        // Then the gap is still reported
        #expect(try verify().problems == [.deleted(ids: 8...9)])
    }

    @Test func swappedRowsAreReportedOutOfOrder() throws {
        // Given rows 3 and 4 swapped (content and hashes)
        try tamper(
            """
            UPDATE audit_log SET id = 100 WHERE id = 3;
            UPDATE audit_log SET id = 3 WHERE id = 4;
            UPDATE audit_log SET id = 4 WHERE id = 100;
            """)

        // Then verification says which rows are out of order
        let problems = try verify().problems
        #expect(problems.contains(.outOfOrder(id: 3, linksTo: 4)))
        #expect(problems.contains(.outOfOrder(id: 4, linksTo: 2)))
        #expect(!problems.contains { if case .edited = $0 { true } else { false } })
    }

    @Test func aRewrittenLogIsCaughtAgainstAHeadNotedEarlier() throws {
        let head = try #require(try verify().head)
        try tamper("DELETE FROM audit_log WHERE id = 9; DELETE FROM sqlite_sequence WHERE name = 'audit_log'")
        #expect(try verify().isIntact)  // a clean cut of the tail with the counter reset...
        #expect(try verify(head: head).problems == [.headMissing(head)])  // ...is caught by the noted head
    }
}
