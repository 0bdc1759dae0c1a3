import Foundation
import GRDB
import KioskBatch
import KioskCore
import KioskCrypto
import KioskStore
import KioskTestSupport
import Testing

@testable import KioskOutbox

@Suite("Outbox: sealing approved applications into signed batch files")
struct OutboxTests {
    let folder: URL
    let database: AppDatabase
    let key: Ed25519PrivateKey
    let outbox: Outbox

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try AppDatabase.open(at: folder.appendingPathComponent("kiosk.sqlite").path)
        key = try CenterKey(folder: folder.appendingPathComponent("keys")).create()
        outbox = Outbox(folder: folder.appendingPathComponent("outbox"), database: database, center: "DEMO01", key: key)
    }

    /// Stores `count` applications and approves the first `approved` of them through the
    /// review store, with their history and audit entries, as the console does.
    func store(_ count: Int, approved: Int) throws {
        for index in 0..<count {
            let draft = ApplicationDraft(
                formID: "ua-contract", formVersion: 1, language: .uk, consentVersion: "c1",
                answers: ["surname": .single("Прізвище \(index) \"quoted\" \\ back"), "n": .multiple(["B"])])
            let stored = try database.applications.submit(
                draft, formSHA256: String(repeating: "0", count: 64), center: "DEMO01", year: 2026, at: Date())
            if index < approved { try Seed.approve(stored, in: database) }
        }
    }

    func states() throws -> [String: Int] {
        try database.applications.countsByState().reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
    }

    @Test func nothingApprovedMakesNoBatch() throws {
        try store(3, approved: 0)
        #expect(try outbox.createBatch(limit: 10) == nil)
        #expect(try database.batches.undelivered().isEmpty)
    }

    @Test func aBatchHoldsTheApprovedApplicationsAndVerifies() throws {
        // Given five applications, three approved
        try store(5, approved: 3)

        // When a batch is created
        let (batch, file) = try #require(try outbox.createBatch(limit: 500))

        // Then it holds exactly the approved ones, now batched, and its file verifies
        #expect(batch.sequence == 1 && batch.count == 3)
        #expect(file.lastPathComponent == "DEMO01-00000001.tar")
        #expect(try states()["batched"] == 3 && states()["submitted"] == 2)
        let contents = try BatchReader.read(path: file.path)
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
        #expect(contents.manifest.previous == nil)
        #expect(contents.recordReferences == contents.manifest.references)
        #expect(contents.manifestSHA256 == batch.manifestSHA256)
    }

    @Test func batchesChainAndRespectTheLimit() throws {
        // Given seven approved applications and a limit of three
        try store(7, approved: 7)

        // When batches are created until none is left
        var files: [URL] = []
        while let (_, file) = try outbox.createBatch(limit: 3) { files.append(file) }

        // Then there are three batches of 3, 3 and 1, each chained to the one before
        #expect(files.count == 3)
        var previous: BatchContents?
        var counts: [Int] = []
        for file in files {
            let contents = try BatchReader.read(path: file.path)
            try BatchVerifier.verify(contents, key: key.publicKey, previous: previous)
            counts.append(contents.manifest.count)
            previous = contents
        }
        #expect(counts == [3, 3, 1])
        #expect(try states()["batched"] == 7)
    }

    @Test func aLostFileIsRebuiltWithTheSameBytes() throws {
        // Given a batch whose file vanished after the transaction (a crash before the rename)
        try store(4, approved: 4)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        let original = try Data(contentsOf: file)
        try FileManager.default.removeItem(at: file)

        // When the outbox completes pending work
        let rebuilt = try outbox.completePending()

        // Then the same file is back, byte for byte, and no application moved
        #expect(rebuilt == [file])
        #expect(try Data(contentsOf: file) == original)
        #expect(try states()["batched"] == 4)
    }

    @Test func aBatchedApplicationChangedInTheDatabaseStopsTheRebuild() throws {
        // Given a sealed batch whose file is missing, and one of its applications altered behind its back
        try store(2, approved: 2)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        try FileManager.default.removeItem(at: file)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("kiosk.sqlite").path)
        try queue.write { db in try db.execute(sql: "UPDATE application SET answers = '{}' WHERE id = 1") }

        // Then the rebuild refuses rather than writing a file that does not match its signed manifest
        #expect { try outbox.completePending() } throws: { ($0 as? OutboxError)?.code == .inconsistent }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: outbox.folder.path)
        #expect(leftovers.filter { $0.hasSuffix(".tar") || $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test func theCenterKeyIsPrivateAndNeverOverwritten() throws {
        let keys = CenterKey(folder: folder.appendingPathComponent("keys"))
        let attributes = try FileManager.default.attributesOfItem(atPath: keys.privateKeyURL.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let before = try Data(contentsOf: keys.privateKeyURL)
        #expect { try keys.create() } throws: { ($0 as? OutboxError)?.code == .keyExists }
        #expect(try Data(contentsOf: keys.privateKeyURL) == before)
        #expect(try keys.load().publicKey == key.publicKey)
    }

    @Test func anUnreadableRowStopsTheBatchWithoutPrintingPersonalData() throws {
        // Given approved applications, one of whose dates was damaged in the database
        try store(3, approved: 3)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("kiosk.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "UPDATE application SET submitted_at = '2026-11x27 10:00:00.000' WHERE id = 2")
        }

        // When a batch is created
        // Then it fails with an error naming the reference only, and nothing is sealed
        var message = ""
        #expect {
            try outbox.createBatch(limit: 10)
        } throws: { error in
            message = "\(error)"
            return error is StoreError
        }
        #expect(message.contains("DEMO01-2026-000002"))
        #expect(!message.contains("Прізвище"))
        #expect(try database.batches.undelivered().isEmpty)
        #expect(try states()["approved"] == 3)
    }
}
