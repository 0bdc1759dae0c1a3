import Foundation
import GRDB
import KioskBatch
import KioskCore
import KioskCrypto
import KioskTestSupport
import Testing

@testable import KioskOutbox
@testable import KioskStore

/// An approval made with `sqlite3` instead of the console (issue 18) passes `kiosk audit
/// verify`, since it adds no audit entry; sealing must refuse to sign it.
@Suite("Outbox: approvals the audit chain does not show are not sealed")
struct ForgedApprovalTests {
    let folder: TemporaryFolder
    let database: AppDatabase
    let outbox: Outbox

    init() throws {
        folder = try TemporaryFolder(prefix: "kiosk-forged")
        database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))
        let key = try CenterKey(folder: folder.file("keys")).create()
        outbox = Outbox(
            folder: folder.file("outbox"), database: database, center: "DEMO01", key: key,
            sealing: Outbox.Sealing(key: try X25519PrivateKey.generate().publicKey))
    }

    func submitted() throws -> StoredApplication {
        let draft = ApplicationDraft(
            formID: "ua-contract", formVersion: 1, language: .en, consentVersion: "c1",
            answers: ["surname": .single("Surname")])
        return try database.applications.submit(
            draft, formSHA256: String(repeating: "0", count: 64), center: "DEMO01", year: 2026, at: Date())
    }

    func sql(_ statement: String) throws {
        try database.writer.writeWithoutTransaction { db in try db.execute(sql: statement) }
    }

    func expectRefusal(naming reference: String) throws {
        #expect {
            _ = try outbox.createBatch(limit: 500)
        } throws: { error in
            guard let error = error as? StoreError, error.code == .approvalNotAudited else { return false }
            return "\(error)".contains("application \(reference) is approved, but the audit log holds no approval")
        }
        // Nothing was sealed: no batch, every application still where it was
        #expect(try database.batches.undelivered().isEmpty)
        #expect(try database.applications.countsByState()[.batched] == 0)
    }

    @Test func aStateSetToApprovedWithSqliteIsRefusedNamingTheReference() throws {
        // Given one application approved in the console and one set to approved with sqlite3
        try Seed.approve(try submitted(), in: database)
        let forged = try submitted()
        try sql("UPDATE application SET state = 'approved' WHERE reference = '\(forged.reference)'")

        // Then sealing refuses, naming the forged one, and seals nothing
        try expectRefusal(naming: forged.reference)
    }

    @Test func anApprovalWhoseStaffWasChangedInTheHistoryIsRefused() throws {
        // Given an approval by "reviewer" whose history was rewritten to name "olena"
        let application = try submitted()
        try Seed.approve(application, in: database, staffID: "reviewer")
        try sql("UPDATE review_event SET staff_id = 'olena' WHERE action = 'approve'")

        // Then the chain does not show olena's approval, and sealing refuses
        try expectRefusal(naming: application.reference)
    }

    @Test func anApprovalRevokedInTheChainAndRestoredWithSqliteIsRefused() throws {
        // Given an approval, then a rejection in the console, then the state set back with sqlite3
        let application = try submitted()
        try Seed.approve(application, in: database)
        try database.audit.append(
            AuditRecord(staffID: "reviewer", action: .reject, reference: application.reference), at: Date(),
            hasher: AuditHasher { SHA256.hash($0).hex })
        // (the rejection's state change itself is overwritten below, as an attacker would)

        // Then the last decision in the chain is not an approval, and sealing refuses
        try expectRefusal(naming: application.reference)
    }

    @Test func approvalsMadeInTheConsoleAreSealed() throws {
        for _ in 0..<3 { try Seed.approve(try submitted(), in: database) }
        let (batch, _) = try #require(try outbox.createBatch(limit: 500))
        #expect(batch.count == 3)
    }
}
