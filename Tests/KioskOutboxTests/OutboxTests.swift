import Foundation
import GRDB
import KioskBatch
import KioskCore
import KioskCrypto
import KioskSeal
import KioskStore
import KioskTestSupport
import Testing

@testable import KioskOutbox

@Suite("Outbox: sealing approved applications into signed batch files")
struct OutboxTests {
    let folder: URL
    let database: AppDatabase
    let key: Ed25519PrivateKey
    /// Headquarters' key pair: the outbox seals to the public half; only tests open with the private one.
    let opening: X25519PrivateKey
    let outbox: Outbox

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-outbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = try AppDatabase.open(at: folder.appendingPathComponent("kiosk.sqlite").path)
        key = try CenterKey(folder: folder.appendingPathComponent("keys")).create()
        opening = try X25519PrivateKey.generate()
        outbox = Outbox(
            folder: folder.appendingPathComponent("outbox"), database: database, center: "DEMO01", key: key,
            sealing: Outbox.Sealing(key: opening.publicKey))
    }

    /// The same outbox with other sealing settings.
    func outbox(_ sealing: Outbox.Sealing?) -> Outbox {
        Outbox(folder: outbox.folder, database: database, center: "DEMO01", key: key, sealing: sealing)
    }

    /// Reads `file` opening its records with headquarters' key; returns the contents and the records.
    func open(_ file: URL, with key: X25519PrivateKey? = nil) throws -> (BatchContents, [[String: Any]]) {
        var records: [[String: Any]] = []
        let opening = key ?? self.opening
        let contents = try BatchReader.read(
            path: file.path,
            open: { manifest throws(BatchError) in
                do {
                    return try RecordOpener(key: opening, center: manifest.center, sequence: manifest.sequence)
                } catch {
                    throw BatchError(.cannotOpen, "\(error)")
                }
            }, eachRecord: { records.append($0) })
        return (contents, records)
    }

    /// How many applications still hold their answers.
    func withAnswers() throws -> Int {
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("kiosk.sqlite").path)
        defer { try? queue.close() }
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application WHERE answers IS NOT NULL") ?? -1
        }
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

    @Test func aBatchHoldsTheApprovedApplicationsSealedAndVerifies() throws {
        // Given five applications, three approved
        try store(5, approved: 3)

        // When a batch is created
        let (batch, file) = try #require(try outbox.createBatch(limit: 500))

        // Then it holds exactly the approved ones, now batched, and its file verifies unopened
        #expect(batch.sequence == 1 && batch.count == 3)
        #expect(file.lastPathComponent == "DEMO01-00000001.tar")
        #expect(try states()["batched"] == 3 && states()["submitted"] == 2)
        let sealed = try BatchReader.read(path: file.path)
        #expect(!sealed.recordsSeen)
        try BatchVerifier.verify(sealed, key: key.publicKey, previous: nil)
        #expect(sealed.manifest.format == "kiosk-batch/2")
        #expect(sealed.manifest.sealingKeyFingerprint == opening.publicKey.fingerprint)
        #expect(sealed.manifest.previous == nil)
        #expect(sealed.manifestSHA256 == batch.manifestSHA256)

        // And headquarters' opening key opens records whose references are the manifest's
        let (contents, records) = try open(file)
        try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
        #expect(contents.recordReferences == contents.manifest.references)
        let surnames = records.compactMap { ($0["answers"] as? [String: Any])?["surname"] as? String }
        #expect(surnames == (0..<3).map { "Прізвище \($0) \"quoted\" \\ back" })

        // And the sealed applications' answers are gone from the database; the others keep theirs
        #expect(try withAnswers() == 2)
    }

    @Test func eachManifestCarriesTheAuditLogAsItStoodWhenSealed() throws {
        // Given three approvals (three audit entries), then a batch, then two more
        try store(3, approved: 3)
        let (_, first) = try #require(try outbox.createBatch(limit: 500))
        let headThen = try #require(try database.audit.head())
        try store(2, approved: 2)
        let (_, second) = try #require(try outbox.createBatch(limit: 500))
        let headNow = try #require(try database.audit.head())

        // Then each signed manifest names the log's length and head hash at its sealing
        let firstWitness = try #require(try BatchReader.read(path: first.path).manifest.audit)
        let secondWitness = try #require(try BatchReader.read(path: second.path).manifest.audit)
        #expect(firstWitness == AuditWitness(length: Int(headThen.id), head: headThen.sha256))
        #expect(secondWitness == AuditWitness(length: Int(headNow.id), head: headNow.sha256))
        #expect(secondWitness.length > firstWitness.length)
    }

    @Test func anotherKeyDoesNotOpenTheBatch() throws {
        try store(2, approved: 2)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        let error = #expect(throws: BatchError.self) { try open(file, with: X25519PrivateKey.generate()) }
        #expect(error?.code == .cannotOpen)
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

    @Test func aCrashAfterTheCommitLeavesTheHiddenFileWhichIsRenamedWithTheSameBytes() throws {
        // Given a batch whose transaction committed but whose rename did not happen
        try store(4, approved: 4)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        let original = try Data(contentsOf: file)
        let hidden = outbox.sealedURL(sequence: 1)
        #expect(rename(file.path, hidden.path) == 0)

        // When the outbox completes pending work
        let completed = try outbox.completePending()

        // Then the same file is in place, byte for byte, and no application moved
        #expect(completed == [file])
        #expect(try Data(contentsOf: file) == original)
        #expect(!FileManager.default.fileExists(atPath: hidden.path))
        #expect(try states()["batched"] == 4)
    }

    @Test func aTransactionThatFailsAfterTheFileWasWrittenLeavesNoFileAndEveryAnswer() throws {
        // Given approved applications, and a database that refuses to record the batch
        try store(3, approved: 3)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("kiosk.sqlite").path)
        try queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER refuse_batch BEFORE INSERT ON batch BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        }
        try queue.close()

        // When a batch is created, Then it fails, and nothing is sealed, deleted or left behind
        #expect(throws: (any Error).self) { try outbox.createBatch(limit: 500) }
        #expect(try states()["approved"] == 3)
        #expect(try withAnswers() == 3)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: outbox.folder.path).filter { $0 != ".lock" }.isEmpty)
    }

    @Test func aHiddenFileOfABatchTheDatabaseNeverRecordedIsRemoved() throws {
        // Given a sealed file a crash left before its transaction committed
        try store(2, approved: 2)
        try FileManager.default.createDirectory(at: outbox.folder, withIntermediateDirectories: true)
        let hidden = outbox.sealedURL(sequence: 1)
        try Data("half of a batch".utf8).write(to: hidden)

        // When pending work is completed, Then it is removed and the applications still wait, in clear
        #expect(try outbox.completePending().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: hidden.path))
        #expect(try states()["approved"] == 2 && withAnswers() == 2)
        // And the next batch is made as usual
        let (batch, _) = try #require(try outbox.createBatch(limit: 500))
        #expect(batch.sequence == 1)
    }

    @Test func aHiddenFileOfARecordedBatchThatDoesNotMatchIsLeftAndReported() throws {
        // Given a recorded batch whose hidden file (the only copy) holds other bytes than recorded
        try store(2, approved: 2)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        let hidden = outbox.sealedURL(sequence: 1)
        try FileManager.default.removeItem(at: file)
        try Data("not the recorded batch".utf8).write(to: hidden)

        // Then completing refuses and leaves the file where it is
        let error = #expect(throws: OutboxError.self) { try outbox.completePending() }
        #expect(error?.code == .inconsistent)
        #expect(FileManager.default.fileExists(atPath: hidden.path))
    }

    @Test func aSealedBatchWhoseFileIsGoneIsReportedNotRemade() throws {
        try store(2, approved: 2)
        let (_, file) = try #require(try outbox.createBatch(limit: 500))
        try FileManager.default.removeItem(at: file)
        let error = #expect(throws: OutboxError.self) { try outbox.completePending() }
        #expect(error?.code == .inconsistent)
        #expect(error?.message.contains("DEMO01-00000001.tar") == true)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func withoutASealingKeyNothingIsSealed() throws {
        try store(2, approved: 2)
        let error = #expect(throws: OutboxError.self) { try outbox(nil).createBatch(limit: 500) }
        #expect(error?.code == .sealingKeyMissing)
        #expect(error?.message.contains("hq_sealing_key") == true)
        #expect(try states()["approved"] == 2 && withAnswers() == 2)
        // With nothing approved there is nothing to seal, and no error.
        try store(1, approved: 0)
        _ = try outbox.createBatch(limit: 500)
        #expect(try outbox(nil).createBatch(limit: 500) == nil)
    }

    @Test func anotherSealingKeyIsRefusedUntilAnOperatorConfirmsIt() throws {
        // Given a first batch sealed to headquarters' key
        try store(1, approved: 1)
        _ = try #require(try outbox.createBatch(limit: 500))

        // When another key comes (a swapped file), Then sealing refuses and names both fingerprints
        let rotated = try X25519PrivateKey.generate()
        try store(1, approved: 1)
        let error = #expect(throws: StoreError.self) {
            try outbox(Outbox.Sealing(key: rotated.publicKey)).createBatch(limit: 500)
        }
        #expect(error?.code == .sealingKeyChanged)
        #expect(error?.detail.contains(opening.publicKey.fingerprint) == true)
        #expect(error?.detail.contains(rotated.publicKey.fingerprint) == true)
        #expect(try states()["approved"] == 1)

        // And a confirmation of another fingerprint does not count
        #expect(throws: StoreError.self) {
            try outbox(Outbox.Sealing(key: rotated.publicKey, confirmedFingerprint: opening.publicKey.fingerprint))
                .createBatch(limit: 500)
        }

        // When an operator confirms the new key, Then it seals to it, and from then on the old key is refused
        let (_, file) = try #require(
            try outbox(Outbox.Sealing(key: rotated.publicKey, confirmedFingerprint: rotated.publicKey.fingerprint))
                .createBatch(limit: 500))
        #expect(try open(file, with: rotated).1.count == 1)
        try store(1, approved: 1)
        #expect(throws: StoreError.self) { try outbox.createBatch(limit: 500) }
    }

    @Test func keepPlaintextDaysKeepsTheAnswersThatLongAfterSealing() throws {
        let start = Date()
        let keeping = outbox(Outbox.Sealing(key: opening.publicKey, keepPlaintextDays: 3))
        try store(2, approved: 2)
        _ = try #require(try keeping.createBatch(limit: 500, now: start))
        #expect(try withAnswers() == 2)
        #expect(try database.batches.plaintextHeld() == 2)
        // Two days on, still kept; four days on, the next run deletes them.
        #expect(try keeping.createBatch(limit: 500, now: start.addingTimeInterval(2 * 86_400)) == nil)
        #expect(try withAnswers() == 2)
        #expect(try keeping.createBatch(limit: 500, now: start.addingTimeInterval(4 * 86_400)) == nil)
        #expect(try withAnswers() == 0)
        #expect(try database.batches.plaintextHeld() == 0)
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
